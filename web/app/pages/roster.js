// roster.js: a home-care zone's roster for a week, for super-users (their own zone; the municipality's other zones read-only on the server's word)
// and admins: each day's shifts (nurse, start, end, the window the unpaid break starts in and its
// length), added and removed in the page and saved as a whole (PUT /api/v1/orgs/{id}/roster);
// the server checks everything and names the shift that is wrong, and a refused roster changes
// nothing. Others see the roster read-only.
import { useState, useEffect } from 'preact/hooks';
import { html, useLoad, Loading, ErrorBox, Ok } from '../ui.js';
import { t, fmtDate, todayOslo } from '../i18n.js';
import { get, put } from '../api.js';
import { orgs } from '../data.js';

const DAYS = 7;
const NURSE_ROLES = ['municipal_nurse', 'super_user', 'hospital_nurse'];

const addDays = (iso, n) => new Date(Date.parse(iso + 'T12:00:00Z') + n * 86400000).toISOString().slice(0, 10);

/* A shift as the form edits it (empty strings for no break). */
const toRow = (s) => ({ staff_id: String(s.staff_id), date: s.date, start: s.start, end: s.end,
  break_from: s.break_from || '', break_to: s.break_to || '', break_minutes: String(s.break_minutes || 0) });

function toShift(r) {
  const s = { staff_id: Number(r.staff_id), date: r.date, start: r.start, end: r.end };
  if (r.break_from || r.break_to) {
    s.break_from = r.break_from;
    s.break_to = r.break_to;
  }
  if (Number(r.break_minutes) > 0) s.break_minutes = Number(r.break_minutes);
  return s;
}

function ShiftRow({ r, n, nurses, canEdit, onChange, onRemove }) {
  const p = `rs-${n}`;
  const set = (k) => (e) => onChange({ ...r, [k]: e.target.value });
  const name = nurses.find((x) => String(x.id) === r.staff_id)?.name || r.staff_id;
  if (!canEdit) {
    return html`<tr><td>${name}</td><td>${r.start}–${r.end}</td>
      <td>${Number(r.break_minutes) ? t('roster.break_text', { n: r.break_minutes, from: r.break_from, to: r.break_to }) : '–'}</td></tr>`;
  }
  return html`<tr>
    <td><label class="sr-only" for=${p + '-who'}>${t('roster.nurse_n', { n })}</label>
      <select id=${p + '-who'} value=${r.staff_id} onChange=${set('staff_id')} required>
        <option value="">${t('common.choose')}</option>
        ${nurses.map((x) => html`<option value=${String(x.id)}>${x.name}</option>`)}</select></td>
    <td class="times"><label class="sr-only" for=${p + '-start'}>${t('roster.start_n', { n })}</label>
      <input id=${p + '-start'} type="time" value=${r.start} onInput=${set('start')} required />
      <span aria-hidden="true">–</span>
      <label class="sr-only" for=${p + '-end'}>${t('roster.end_n', { n })}</label>
      <input id=${p + '-end'} type="time" value=${r.end} onInput=${set('end')} required /></td>
    <td class="times"><label class="sr-only" for=${p + '-bf'}>${t('roster.break_from_n', { n })}</label>
      <input id=${p + '-bf'} type="time" value=${r.break_from} onInput=${set('break_from')} />
      <span aria-hidden="true">–</span>
      <label class="sr-only" for=${p + '-bt'}>${t('roster.break_to_n', { n })}</label>
      <input id=${p + '-bt'} type="time" value=${r.break_to} onInput=${set('break_to')} />
      <label class="sr-only" for=${p + '-bm'}>${t('roster.break_minutes_n', { n })}</label>
      <input id=${p + '-bm'} type="number" min="0" max="240" step="5" class="short" value=${r.break_minutes} onInput=${set('break_minutes')} />
      <span class="hint">${t('roster.min')}</span></td>
    <td><button type="button" class="secondary small" onClick=${onRemove}>${t('roster.remove_n', { n })}</button></td>
  </tr>`;
}

export function RosterPage({ me }) {
  const all = useLoad(() => orgs(), []);
  const zones = (all.data || []).filter((o) => o.kind === 'zone');
  const [zone, setZone] = useState(0);
  const [from, setFrom] = useState(todayOslo());
  const org = zone || (zones.find((z) => z.id === me.org_id) || zones[0] || {}).id || 0;
  const to = addDays(from, DAYS - 1);
  const canEdit = me.role === 'admin' || me.role === 'super_user';
  const st = useLoad(async () => {
    if (!org) return null;
    const [roster, staff] = await Promise.all([get(`/api/v1/orgs/${org}/roster?from=${from}&to=${to}`),
      canEdit || me.role !== 'municipal_nurse' ? get('/api/v1/staff').catch(() => []) : Promise.resolve([])]);
    return { roster, nurses: staff.filter((s) => s.org_id === org && s.active !== false && NURSE_ROLES.includes(s.role)) };
  }, [org, from]);
  const [rows, setRows] = useState([]);
  const [error, setError] = useState(null);
  const [msg, setMsg] = useState('');
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    if (st.data) setRows(st.data.roster.shifts.map(toRow));
  }, [st.data]);
  const nurses = st.data?.nurses?.length ? st.data.nurses
    : [...new Map((st.data?.roster.shifts || []).map((s) => [s.staff_id, { id: s.staff_id, name: s.staff }])).values()];
  const dates = [...Array(DAYS).keys()].map((i) => addDays(from, i));
  const save = async (e) => {
    e.preventDefault();
    setError(null);
    setMsg('');
    setBusy(true);
    try {
      const r = await put(`/api/v1/orgs/${org}/roster`, { from, to, shifts: rows.map(toShift) });
      setRows(r.shifts.map(toRow));
      setMsg(t('roster.saved', { n: r.shifts.length }));
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  const change = (i) => (r) => setRows(rows.map((x, k) => (k === i ? r : x)));
  const remove = (i) => () => setRows(rows.filter((_, k) => k !== i));
  const add = (date) => setRows([...rows, { staff_id: '', date, start: '07:30', end: '15:30', break_from: '11:00', break_to: '13:00', break_minutes: '30' }]);
  const numbered = rows.map((r, i) => ({ r, i }));
  return html`<main id="main">
    <h1>${t('roster.title')}</h1>
    <p class="hint">${t('roster.intro')}</p>
    <div class="toolbar">
      <label for="ro-zone">${t('roster.zone')}</label>
      <select id="ro-zone" value=${String(org)} onChange=${(e) => setZone(Number(e.target.value))}>
        ${zones.map((z) => html`<option value=${String(z.id)}>${z.name}</option>`)}</select>
      <label for="ro-from">${t('roster.from')}</label>
      <input id="ro-from" type="date" value=${from} onChange=${(e) => e.target.value && setFrom(e.target.value)} />
    </div>
    <${Loading} state=${st} />
    ${st.data && html`<form onSubmit=${save}>
      ${dates.map((d) => {
        const mine = numbered.filter(({ r }) => r.date === d);
        return html`<section class="roster-day" aria-labelledby=${'rd-' + d}>
          <h2 id=${'rd-' + d}>${fmtDate(d)}</h2>
          ${mine.length ? html`<table class="roster"><thead><tr><th scope="col">${t('roster.nurse')}</th><th scope="col">${t('roster.shift')}</th>
            <th scope="col">${t('roster.break')}</th>${canEdit && html`<th scope="col"><span class="sr-only">${t('roster.actions')}</span></th>`}</tr></thead>
            <tbody>${mine.map(({ r, i }) => html`<${ShiftRow} key=${i} r=${r} n=${i + 1} nurses=${nurses} canEdit=${canEdit}
              onChange=${change(i)} onRemove=${remove(i)} />`)}</tbody></table>`
            : html`<p class="hint">${t('roster.nobody')}</p>`}
          ${canEdit && html`<button type="button" class="secondary small" onClick=${() => add(d)}
            aria-label=${t('roster.add_on', { date: fmtDate(d) })}>${t('roster.add')}</button>`}
        </section>`;
      })}
      ${canEdit && html`<div class="row"><button type="submit" disabled=${busy}>${t('roster.save')}</button></div>`}
    </form>`}
    <${Ok} text=${msg} /><${ErrorBox} error=${error} />
  </main>`;
}
