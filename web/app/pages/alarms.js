// alarms.js: the response centre's live alarm board. Loads GET /api/v1/alarms, then follows
// /api/v1/alarms/stream (server-sent events) so new alarms appear without reload. Sorted by
// priority, then age; high priority is red, marked in text and announced with a tone.
// Acknowledge, note and resolve; the patient's context opens beside the list.
import { Component, h } from 'preact';
import { useState, useEffect, useLayoutEffect, useMemo, useRef } from 'preact/hooks';
import { signal } from '@preact/signals';
import { html, ErrorBox, Ok, useLoad } from '../ui.js';
import { t, fmtDateTime, fmtTime } from '../i18n.js';
import { get, post, stream } from '../api.js';
import { PatientSummary } from './patients.js';

const RANK = { high: 0, medium: 1, low: 2 };
const ms = (a, k) => a[k + '_ms'] ?? (a[k + '_at'] ? Date.parse(a[k + '_at']) : a[k] ? Date.parse(a[k]) : null);
const raisedMs = (a) => ms(a, 'raised') ?? 0;
const pid = (a) => a.patient_id ?? (typeof a.patient === 'object' && a.patient ? a.patient.id : a.patient) ?? null;
const escalateMs = (a) => ms(a, 'escalate') ?? ms(a, 'next_escalation');

/* An event's alarm, whatever envelope the stream uses. */
const unwrap = (d) => (d && typeof d === 'object' ? (d.alarm || d) : null);

function beep() {
  try {
    const ctx = beep.ctx || (beep.ctx = new AudioContext());
    const o = ctx.createOscillator();
    const g = ctx.createGain();
    o.frequency.value = 880;
    g.gain.value = 0.15;
    o.connect(g).connect(ctx.destination);
    o.start();
    o.stop(ctx.currentTime + 0.35);
  } catch {
    /* No audio device: the board stays visual. */
  }
}

function tierName(a) {
  if (a.tier_name) return t('tier.' + a.tier_name) === 'tier.' + a.tier_name ? a.tier_name : t('tier.' + a.tier_name);
  return a.tier != null ? t('alarms.tier_n', { n: a.tier }) : '–';
}

function left(msLeft) {
  if (msLeft == null) return '–';
  if (msLeft <= 0) return t('alarms.overdue');
  const m = Math.floor(msLeft / 60000);
  const s = Math.floor((msLeft % 60000) / 1000);
  return `${m}:${String(s).padStart(2, '0')}`;
}

/* The board's clock. Only the cells that show an age or a time left read it, so a tick
 * re-renders those small components, not every row of a long board. */
const clock = signal(Date.now());
function Age({ at }) {
  return left(clock.value - at).replace('-', '');
}
function TimeLeft({ at }) {
  return left(at == null ? null : at - clock.value);
}

/* A row renders again only when its own props change (its alarm, selection, names). */
class MemoRow extends Component {
  shouldComponentUpdate(next) {
    for (const k in next) if (next[k] !== this.props[k]) return true;
    for (const k in this.props) if (!(k in next)) return true;
    return false;
  }

  render(props) {
    return h(AlarmRow, props);
  }
}

function AlarmRow({ a, selected, onSelect, names }) {
  const esc = escalateMs(a);

  return html`<tr class=${`alarm prio-${a.priority} ${a.state}${selected ? ' selected' : ''}`} data-alarm-id=${a.id}>
    <td><span class=${'badge prio-' + a.priority}>${t('priority.' + a.priority)}</span></td>
    <td><button type="button" class="link" onClick=${() => onSelect(a.id)} aria-pressed=${selected}>${a.text || a.code}</button>
      <div class="hint">${pid(a) ? (names[pid(a)] || t('alarms.patient_n', { id: pid(a) })) : t('alarms.unassigned_device')}${a.device || a.device_serial ? ` · ${a.device || a.device_serial}` : ''}${a.repeats > 1 ? ` · ×${a.repeats}` : ''}</div></td>
    <td>${t('astate.' + a.state)}</td>
    <td><time>${fmtTime(raisedMs(a))}</time><div class="hint"><${Age} at=${raisedMs(a)} /></div></td>
    <td>${tierName(a)}</td>
    <td>${a.state === 'open' ? html`<${TimeLeft} at=${esc} />` : '–'}</td>
  </tr>`;
}

function Detail({ a, onDone }) {
  /* Opening an alarm moves focus to its detail, so a keyboard user reaches "acknowledge" with
   * one Tab instead of passing every row of a long board. A layout effect, so the move happens
   * with the render that shows the detail: a Tab pressed right after Enter (before the next
   * frame, when a plain effect would run) already starts from the detail. */
  const head = useRef(null);
  useLayoutEffect(() => head.current?.focus(), [a.id]);
  const [note, setNote] = useState('');
  const [error, setError] = useState(null);
  const [msg, setMsg] = useState('');
  const hist = useLoad(() => get(`/api/v1/alarms/${a.id}`), [a.id]);
  const act = async (what, body, ok) => {
    setError(null);
    try {
      const r = await post(`/api/v1/alarms/${a.id}/${what}`, body);
      setMsg(ok);
      onDone(unwrap(r));
      if (what === 'notes') setNote('');
      hist.reload();
    } catch (e) {
      setError(e);
    }
  };
  return html`<aside class="detail" aria-labelledby="al-h">
    <h2 id="al-h" tabindex="-1" ref=${head}>${a.text || a.code}</h2>
    <p><span class=${'badge prio-' + a.priority}>${t('priority.' + a.priority)}</span> ${t('astate.' + a.state)} · ${fmtDateTime(raisedMs(a))}</p>
    <${Ok} text=${msg} />
    <${ErrorBox} error=${error} />
    <div class="actions">
      ${a.state === 'open' && html`<button type="button" onClick=${() => act('acknowledge', {}, t('alarms.acked'))}>${t('alarms.ack')}</button>`}
      ${a.state !== 'resolved' && html`<button type="button" class="secondary" onClick=${() => act('resolve', note ? { note } : {}, t('alarms.resolved'))}>${t('alarms.resolve')}</button>`}
    </div>
    <form onSubmit=${(e) => { e.preventDefault(); act('notes', { note }, t('alarms.noted')); }}>
      <label for="al-note">${t('alarms.note')}</label>
      <textarea id="al-note" rows="2" maxlength="2000" value=${note} onInput=${(e) => setNote(e.target.value)}></textarea>
      <button type="submit" class="secondary" disabled=${!note.trim()}>${t('alarms.add_note')}</button>
    </form>
    <p>${t('alarms.tier')}: ${tierName(a)}${a.escalate_at ? ` · ${t('alarms.escalates_at', { time: fmtTime(a.escalate_at) })}` : ''}${a.device_ended ? ` · ${t('alarms.device_ended')}` : ''}</p>
    ${hist.data?.history?.length > 0 && html`<h3>${t('alarms.history')}</h3><ul class="plain">${hist.data.history.map((n) => html`<li>${fmtDateTime(n.at)} ${t('ahist.' + n.kind)}${n.account ? ` · ${n.account}` : ''}${n.tier != null ? ` · ${t('alarms.tier_n', { n: n.tier })}` : ''}${n.note ? `: ${n.note}` : ''}</li>`)}</ul>`}
    <h2>${t('alarms.context')}</h2>
    ${pid(a) ? html`<${PatientSummary} key=${pid(a)} id=${pid(a)} compact=${true} />` : html`<p>${t('alarms.unassigned_device')}</p>`}
  </aside>`;
}

export function AlarmBoard() {
  const [alarms, setAlarms] = useState(new Map());
  const [error, setError] = useState(null);
  const [live, setLive] = useState('connecting');
  const [sel, setSel] = useState(null);
  const [sound, setSound] = useState(false);
  const [names, setNames] = useState({});
  const soundRef = useRef(sound);
  soundRef.current = sound;

  /* Stream events are applied once per animation frame: a burst of hundreds of alarms costs
   * one sort and one render, not one per event. */
  const queued = useRef([]);
  const enqueue = (raw) => {
    queued.current.push(raw);
    if (queued.current.length === 1) {
      requestAnimationFrame(() => {
        const batch = queued.current;
        queued.current = [];
        merge(batch, true);
      });
    }
  };

  const merge = (list, announce) => {
    setAlarms((prev) => {
      const next = new Map(prev);
      for (const raw of list) {
        const a = unwrap(raw);
        if (!a || a.id == null) continue;
        if (announce && a.priority === 'high' && a.state === 'open' && !prev.has(a.id) && soundRef.current) beep();
        if (a.state === 'resolved') next.delete(a.id);
        else next.set(a.id, { ...(prev.get(a.id) || {}), ...a });
      }
      return next;
    });
  };

  useEffect(() => {
    let stop = () => {};
    get('/api/v1/alarms').then((list) => {
      merge(Array.isArray(list) ? list : list.alarms || [], false);
      stop = stream('/api/v1/alarms/stream', (type, data) => enqueue(data), (s, e) => {
        setLive(s);
        if (e) setError(e);
        else if (s === 'open') setError(null);
      });
    }, (e) => {
      setError(e);
      setLive('error');
    });
    get('/api/v1/patients').then((l) => setNames(Object.fromEntries(l.map((p) => [p.id, p.name]))), () => {});
    const tick = setInterval(() => {
      clock.value = Date.now();
    }, 1000);
    return () => {
      stop();
      clearInterval(tick);
    };
  }, []);

  const sorted = useMemo(() => [...alarms.values()].sort((a, b) =>
    (RANK[a.priority] ?? 3) - (RANK[b.priority] ?? 3) || raisedMs(a) - raisedMs(b)), [alarms]);
  const highOpen = sorted.filter((a) => a.priority === 'high' && a.state === 'open').length;
  const current = sel != null ? alarms.get(sel) : null;

  return html`<main id="main" class="board">
    <h1>${t('alarms.title')}</h1>
    <div class="toolbar">
      <span class=${'live live-' + live} role="status">${t('alarms.live.' + live)}</span>
      <span>${t('alarms.count', { n: sorted.length })}</span>
      ${highOpen > 0 && html`<strong class="badge prio-high" role="alert">${t('alarms.high_open', { n: highOpen })}</strong>`}
      <button type="button" class="secondary" aria-pressed=${sound} onClick=${() => { setSound(!sound); if (!sound) beep(); }}>
        ${sound ? t('alarms.sound_on') : t('alarms.sound_off')}</button>
    </div>
    <${ErrorBox} error=${error} />
    <div class="board-grid">
      <table class="alarms">
        <caption class="sr-only">${t('alarms.title')}</caption>
        <thead><tr><th scope="col">${t('alarms.priority')}</th><th scope="col">${t('alarms.alarm')}</th><th scope="col">${t('alarms.state')}</th>
          <th scope="col">${t('alarms.raised')}</th><th scope="col">${t('alarms.tier')}</th><th scope="col">${t('alarms.escalates_in')}</th></tr></thead>
        <tbody>${sorted.map((a) => html`<${MemoRow} key=${a.id} a=${a} selected=${a.id === sel} onSelect=${setSel} names=${names} />`)}</tbody>
      </table>
      ${current && html`<${Detail} a=${current} onDone=${(a) => a && merge([a], false)} />`}
    </div>
    ${sorted.length === 0 && !error && html`<p>${t('alarms.none')}</p>`}
  </main>`;
}
