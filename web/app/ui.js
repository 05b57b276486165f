// ui.js: small shared pieces: html (htm bound to Preact), the router's navigate(), an error
// box that explains every API status in plain words, and a hook that loads API data.
import { h } from 'preact';
import { useEffect, useState, useCallback } from 'preact/hooks';
import { signal } from '@preact/signals';
import htm from 'htm';
import { t } from './i18n.js';

export const html = htm.bind(h);

export const route = signal(location.pathname + location.search);
export function navigate(path) {
  if (path === route.value) return;
  history.pushState(null, '', path);
  route.value = path;
  window.scrollTo(0, 0);
}
window.addEventListener('popstate', () => {
  route.value = location.pathname + location.search;
});

/* A link that routes inside the app (and stays a real link for the keyboard and new tabs). */
export function Link({ href, children, ...rest }) {
  const onClick = (e) => {
    if (e.ctrlKey || e.metaKey || e.shiftKey || e.button !== 0) return;
    e.preventDefault();
    navigate(href);
  };
  return html`<a href=${href} onClick=${onClick} ...${rest}>${children}</a>`;
}

/* The status-specific explanation and the server's own message. */
export function errorText(err) {
  if (!err) return '';
  const status = err.status ?? 0;
  const key = 'error.' + status;
  const general = t(key) === key ? t('error.other', { status }) : t(key);
  return err.message ? `${general} (${err.message})` : general;
}

export function ErrorBox({ error }) {
  if (!error) return null;
  return html`<div class="error" role="alert"><strong>${t('error.title')}</strong> ${errorText(error)}</div>`;
}

export function Ok({ text }) {
  if (!text) return null;
  return html`<div class="ok" role="status">${text}</div>`;
}

/* Loads fn() when deps change: {data, error, loading, reload}. */
export function useLoad(fn, deps) {
  const [state, setState] = useState({ data: null, error: null, loading: true });
  const load = useCallback(() => {
    let live = true;
    setState((s) => ({ ...s, loading: true }));
    fn().then(
      (data) => live && setState({ data, error: null, loading: false }),
      (error) => live && setState({ data: null, error, loading: false }),
    );
    return () => {
      live = false;
    };
  }, deps);
  useEffect(load, [load]);
  return { ...state, reload: load };
}

export function Loading({ state }) {
  if (state.error) return html`<${ErrorBox} error=${state.error} />`;
  if (state.loading && !state.data) return html`<p aria-live="polite">${t('common.loading')}</p>`;
  return null;
}

let fieldSeq = 0;
export const fieldId = (p) => `${p}-${++fieldSeq}`;
