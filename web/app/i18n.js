// i18n.js: every text of the UI comes from one file per language (i18n/nb.js, i18n/en.js);
// t('key', {name}) looks a text up in the current language, with {name} placeholders.
// Dates and times are shown in Europe/Oslo whatever the browser's own zone is.
import { signal } from '@preact/signals';
import nb from './i18n/nb.js';
import en from './i18n/en.js';

export const texts = { nb, en };
const stored = globalThis.localStorage?.getItem('heime.lang');
export const lang = signal(stored === 'en' ? 'en' : 'nb');

export function setLang(l) {
  lang.value = l === 'en' ? 'en' : 'nb';
  localStorage.setItem('heime.lang', lang.value);
  document.documentElement.lang = lang.value;
}

export function t(key, params) {
  let s = texts[lang.value][key];
  if (s === undefined) s = texts.nb[key] ?? key;
  if (params) s = s.replace(/\{(\w+)\}/g, (m, k) => (params[k] ?? m));
  return s;
}

/* A template's {nb, en} label in the current language. */
export function tl(label) {
  if (!label) return '';
  if (typeof label === 'string') return label;
  return label[lang.value] ?? label.nb ?? label.en ?? '';
}

const ZONE = 'Europe/Oslo';
const locale = () => (lang.value === 'en' ? 'en-GB' : 'nb-NO');

/* Formatters are costly to build and the alarm board formats hundreds of times a second:
 * one per language and style. */
const formatters = new Map();
function formatter(opts) {
  const key = locale() + JSON.stringify(opts);
  let f = formatters.get(key);
  if (!f) {
    f = new Intl.DateTimeFormat(locale(), { timeZone: ZONE, ...opts });
    formatters.set(key, f);
  }
  return f;
}

function fmt(value, opts) {
  if (value === null || value === undefined || value === '') return '';
  const d = new Date(value);
  if (Number.isNaN(d.getTime())) return String(value);
  return formatter(opts).format(d);
}
export const fmtDateTime = (v) => fmt(v, { dateStyle: 'short', timeStyle: 'short' });
export const fmtTime = (v) => fmt(v, { hour: '2-digit', minute: '2-digit' });
export const fmtDate = (v) => fmt(v, { dateStyle: 'medium' });

/* Today's date (YYYY-MM-DD) in Europe/Oslo. */
export function todayOslo(offsetDays = 0) {
  const d = new Date(Date.now() + offsetDays * 86400000);
  return new Intl.DateTimeFormat('en-CA', { timeZone: ZONE }).format(d);
}
