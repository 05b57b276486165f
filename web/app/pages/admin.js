// admin.js: the admin's page: staff with their competences (expired and soon-expiring
// training highlighted, in words as well as colour), editing a staff member (name, phone, role,
// organisation), deactivating and reactivating, a temporary password, ending and removing
// competences, revoking an account's tokens, the review of emergency ("break the glass") access
// and the organisation tree. StaffPage shows the staff list alone, for the physicians, hospital
// nurses and super-users (who administer their own municipality's nurses).
import { useState } from 'preact/hooks';
import { html, useLoad, Loading, ErrorBox, Ok, errorText } from '../ui.js';
import { t, fmtDate, fmtDateTime, todayOslo } from '../i18n.js';
import { get, post, put, patch, del } from '../api.js';
import { orgs } from '../data.js';

function OrgTree({ list }) {
  const kids = new Map();
  for (const o of list) {
    const k = o.parent_id ?? 0;
    if (!kids.has(k)) kids.set(k, []);
    kids.get(k).push(o);
  }
  const branch = (pid) => {
    const c = kids.get(pid);
    if (!c) return null;
    return html`<ul class="tree">${c.map((o) => html`<li><strong>${o.name}</strong> <span class="hint">${t('org.' + o.kind)} · ${o.code} · #${o.id}</span>${branch(o.id)}</li>`)}</ul>`;
  };
  return branch(0);
}

const SOON_DAYS = 60;

/* 'expired', 'soon' (within 60 days) or '' for a competence's expiry date (YYYY-MM-DD). */
export function expiryState(expires, today = todayOslo(), soon = todayOslo(SOON_DAYS)) {
  if (!expires) return '';
  if (expires < today) return 'expired';
  return expires <= soon ? 'soon' : '';
}

/* One competence; for admins and super-users with "end now" and "remove" (audited). */
function Competence({ c, s, canChange, onChanged, onError }) {
  const ex = expiryState(c.expires_on);
  const kind = t('comp.' + c.kind);
  const act = async (fn, key) => {
    onError(null);
    try {
      await fn();
      onChanged(t(key, { kind, name: s.name }));
    } catch (err) {
      onError(err);
    }
  };
  const ended = ex === 'expired';
  return html`<li class=${'comp' + (ex ? ' comp-' + ex : '')}>
    <strong>${kind}</strong>
    <span class="comp-dates">${t('staff.trained_on', { date: c.trained_on ? fmtDate(c.trained_on) : '–' })},
      ${c.expires_on ? t('staff.expires_on', { date: fmtDate(c.expires_on) }) : t('staff.no_expiry')}</span>
    ${ex && html` <span class=${'badge badge-' + ex}>${t('staff.' + ex)}</span>`}
    ${canChange && c.id && html`<span class="comp-actions">
      ${!ended && html`<button type="button" class="secondary small" aria-label=${t('comp.end_for', { kind, name: s.name })}
        onClick=${() => act(() => post(`/api/v1/staff/${s.id}/competences/${c.id}/end`), 'comp.ended')}>${t('comp.end')}</button>`}
      <button type="button" class="secondary small" aria-label=${t('comp.remove_for', { kind, name: s.name })}
        onClick=${() => act(() => del(`/api/v1/staff/${s.id}/competences/${c.id}`), 'comp.removed')}>${t('comp.remove')}</button>
    </span>`}
  </li>`;
}

const MUNICIPAL_ROLES = ['municipal_nurse', 'super_user'];

/* Admins (anyone) and super-users (their municipality's nurses): name, phone, role and
 * organisation (PATCH), deactivate or reactivate, a temporary password. */
function StaffEdit({ s, me, onSaved, onClose }) {
  const p = 'se-' + s.id;
  const o = useLoad(() => orgs(), []);
  const [f, setF] = useState({ name: s.name, phone: s.phone || '', role: s.role, org_id: String(s.org_id) });
  const [pw, setPw] = useState('');
  const [confirm, setConfirm] = useState(false);
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(false);
  const set = (k) => (e) => setF({ ...f, [k]: e.target.value });
  const roles = me.role === 'admin' ? ROLES : MUNICIPAL_ROLES;
  const run = async (fn, msg) => {
    setError(null);
    setBusy(true);
    try {
      await fn();
      onSaved(msg);
    } catch (err) {
      setError(err);
      setBusy(false);
    }
  };
  const save = (e) => {
    e.preventDefault();
    const body = {};
    if (f.name.trim() !== s.name) body.name = f.name.trim();
    if (f.phone.trim() !== (s.phone || '')) body.phone = f.phone.trim() || null;
    if (f.role !== s.role) body.role = f.role;
    if (Number(f.org_id) !== s.org_id) body.org_id = Number(f.org_id);
    if (!Object.keys(body).length) {
      onClose();
      return;
    }
    run(() => patch(`/api/v1/staff/${s.id}`, body), t('staffedit.saved', { name: f.name.trim() }));
  };
  const setPassword = (e) => {
    e.preventDefault();
    if (pw.length < MIN_PASSWORD) {
      setError({ status: 'short', message: '' });
      return;
    }
    run(() => put(`/api/v1/staff/${s.id}/password`, { password: pw }), t('staffedit.password_set', { name: s.name }));
  };
  const toggle = () => {
    if (s.active && !confirm) {
      setConfirm(true);
      return;
    }
    run(() => post(`/api/v1/staff/${s.id}/${s.active ? 'deactivate' : 'reactivate'}`),
      t(s.active ? 'staffedit.deactivated' : 'staffedit.reactivated', { name: s.name }));
  };
  const onKey = (e) => {
    if (e.key === 'Escape') onClose();
  };
  return html`<div class="staffedit" onKeyDown=${onKey} role="group" aria-label=${t('staffedit.title_for', { name: s.name })}>
    <form onSubmit=${save} class="row wrap">
      <div class="field"><label for=${p + '-name'}>${t('staff.name')}</label>
        <input id=${p + '-name'} value=${f.name} onInput=${set('name')} required maxlength="200" autocomplete="off" /></div>
      <div class="field"><label for=${p + '-phone'}>${t('staffedit.phone')}</label>
        <input id=${p + '-phone'} type="tel" value=${f.phone} onInput=${set('phone')} maxlength="32" autocomplete="off" /></div>
      <div class="field"><label for=${p + '-role'}>${t('staff.role')}</label>
        <select id=${p + '-role'} value=${f.role} onChange=${set('role')} disabled=${s.id === me.staff_id}>
          ${(roles.includes(s.role) ? roles : [s.role, ...roles]).map((r) => html`<option value=${r}>${t('role.' + r)}</option>`)}</select></div>
      <div class="field"><label for=${p + '-org'}>${t('staff.org')}</label>
        <select id=${p + '-org'} value=${f.org_id} onChange=${set('org_id')}>
          ${(o.data || [{ id: s.org_id, name: s.org }]).map((x) => html`<option value=${String(x.id)}>${x.name}</option>`)}</select></div>
      <div class="row"><button type="submit" disabled=${busy}>${t('common.save')}</button>
        <button type="button" class="secondary" onClick=${onClose}>${t('compform.cancel')}</button></div>
    </form>
    ${s.username && html`<form onSubmit=${setPassword} class="row wrap">
      <div class="field"><label for=${p + '-pw'}>${t('staffedit.temp_password')}</label>
        <input id=${p + '-pw'} type="password" value=${pw} onInput=${(e) => setPw(e.target.value)} minlength=${MIN_PASSWORD}
          autocomplete="new-password" aria-describedby=${p + '-pw-hint'} />
        <span id=${p + '-pw-hint'} class="hint">${t('staffedit.temp_password_hint', { n: MIN_PASSWORD })}</span></div>
      <div><button type="submit" class="secondary" disabled=${busy || !pw}>${t('staffedit.set_password')}</button></div>
    </form>`}
    ${s.id !== me.staff_id && html`<div class="row">
      ${confirm && html`<span class="warn" role="alert">${t('staffedit.deactivate_warning', { name: s.name })}</span>`}
      <button type="button" class=${s.active ? 'danger' : 'secondary'} disabled=${busy} onClick=${toggle}>
        ${s.active ? (confirm ? t('staffedit.deactivate_confirm') : t('staffedit.deactivate')) : t('staffedit.reactivate')}</button></div>`}
    <${FormError} error=${error} known=${{ short: 'newstaff.short_password', 403: 'staffedit.forbidden', 404: 'compform.no_staff', 409: 'staffedit.conflict' }} />
  </div>`;
}

const ROLES = ['physician', 'hospital_nurse', 'municipal_nurse', 'super_user', 'operator', 'logistics', 'analyst', 'admin'];
const KINDS = ['infusion_pump', 'aseptic_compounding', 'central_line_care'];
const MIN_PASSWORD = 12;

/* The API's error in words, with a plainer text for the statuses this form knows (e.g. 409). */
function FormError({ error, known }) {
  if (!error) return null;
  const key = known[error.status];
  const text = key ? (error.message ? `${t(key)} (${error.message})` : t(key)) : errorText(error);
  return html`<div class="error" role="alert"><strong>${t('error.title')}</strong> ${text}</div>`;
}

/* Admins only: a new staff member with a login (POST /api/v1/staff). */
function NewStaff({ onCreated }) {
  const o = useLoad(() => orgs(), []);
  const empty = { name: '', role: 'municipal_nurse', org_id: '', phone: '', username: '', password: '' };
  const [f, setF] = useState(empty);
  const [error, setError] = useState(null);
  const [msg, setMsg] = useState('');
  const [busy, setBusy] = useState(false);
  const set = (k) => (e) => setF({ ...f, [k]: e.target.value });
  const submit = async (e) => {
    e.preventDefault();
    setError(null);
    setMsg('');
    if (f.password.length < MIN_PASSWORD) {
      setError({ status: 'short', message: '' });
      return;
    }
    const body = { name: f.name.trim(), role: f.role, org_id: Number(f.org_id), username: f.username.trim(), password: f.password };
    if (f.phone.trim()) body.phone = f.phone.trim();
    setBusy(true);
    try {
      const r = await post('/api/v1/staff', body);
      setMsg(t('newstaff.created', { name: r.name, username: r.username, id: r.id }));
      setF(empty);
      onCreated();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  return html`<section aria-labelledby="ns-h" class="card"><h3 id="ns-h">${t('newstaff.title')}</h3>
    <${Loading} state=${o} />
    <form onSubmit=${submit} class="row wrap">
      <div class="field"><label for="ns-name">${t('staff.name')}</label>
        <input id="ns-name" value=${f.name} onInput=${set('name')} required maxlength="200" autocomplete="off" /></div>
      <div class="field"><label for="ns-role">${t('staff.role')}</label>
        <select id="ns-role" value=${f.role} onChange=${set('role')} required>
          ${ROLES.map((r) => html`<option value=${r}>${t('role.' + r)}</option>`)}</select></div>
      <div class="field"><label for="ns-org">${t('staff.org')}</label>
        <select id="ns-org" value=${f.org_id} onChange=${set('org_id')} required>
          <option value="">${t('common.choose')}</option>
          ${(o.data || []).map((x) => html`<option value=${String(x.id)}>${x.name}</option>`)}</select></div>
      <div class="field"><label for="ns-phone">${t('newstaff.phone')}</label>
        <input id="ns-phone" type="tel" value=${f.phone} onInput=${set('phone')} maxlength="40" autocomplete="off" /></div>
      <div class="field"><label for="ns-user">${t('staff.username')}</label>
        <input id="ns-user" value=${f.username} onInput=${set('username')} required maxlength="64" pattern="[a-z0-9._\\-]+"
          aria-describedby="ns-user-hint" autocomplete="off" autocapitalize="none" spellcheck="false" />
        <span id="ns-user-hint" class="hint">${t('newstaff.username_hint')}</span></div>
      <div class="field"><label for="ns-pw">${t('login.password')}</label>
        <input id="ns-pw" type="password" value=${f.password} onInput=${set('password')} required minlength=${MIN_PASSWORD}
          aria-describedby="ns-pw-hint" autocomplete="new-password" />
        <span id="ns-pw-hint" class="hint">${t('newstaff.password_hint', { n: MIN_PASSWORD })}</span></div>
      <div><button type="submit" disabled=${busy}>${t('newstaff.submit')}</button></div>
    </form>
    <${Ok} text=${msg} />
    <${FormError} error=${error} known=${{ short: 'newstaff.short_password', 409: 'newstaff.taken', 404: 'newstaff.no_org' }} />
  </section>`;
}

/* Admins and super-users: record or renew one competence of a staff member (PUT .../competences). */
function CompetenceForm({ s, onSaved, onClose }) {
  const p = 'cf-' + s.id;
  const [f, setF] = useState({ kind: KINDS[0], trained_on: todayOslo(), expires_on: '' });
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(false);
  const set = (k) => (e) => setF({ ...f, [k]: e.target.value });
  const submit = async (e) => {
    e.preventDefault();
    setError(null);
    const body = { kind: f.kind, trained_on: f.trained_on };
    if (f.expires_on) body.expires_on = f.expires_on;
    setBusy(true);
    try {
      await put(`/api/v1/staff/${s.id}/competences`, body);
      onSaved(t('compform.saved', { kind: t('comp.' + f.kind), name: s.name }));
    } catch (err) {
      setError(err);
      setBusy(false);
    }
  };
  const onKey = (e) => {
    if (e.key === 'Escape') onClose();
  };
  return html`<form onSubmit=${submit} onKeyDown=${onKey} class="compform" aria-label=${t('compform.title_for', { name: s.name })}>
    <div class="field"><label for=${p + '-kind'}>${t('compform.kind')}</label>
      <select id=${p + '-kind'} value=${f.kind} onChange=${set('kind')} required>
        ${KINDS.map((k) => html`<option value=${k}>${t('comp.' + k)}</option>`)}</select></div>
    <div class="field"><label for=${p + '-trained'}>${t('compform.trained_on')}</label>
      <input id=${p + '-trained'} type="date" value=${f.trained_on} onInput=${set('trained_on')} required /></div>
    <div class="field"><label for=${p + '-expires'}>${t('compform.expires_on')}</label>
      <input id=${p + '-expires'} type="date" value=${f.expires_on} onInput=${set('expires_on')} min=${f.trained_on} /></div>
    <div class="row"><button type="submit" disabled=${busy}>${t('common.save')}</button>
      <button type="button" class="secondary" onClick=${onClose}>${t('compform.cancel')}</button></div>
    <${FormError} error=${error} known=${{ 403: 'compform.forbidden', 404: 'compform.no_staff', 400: 'compform.bad_dates' }} />
  </form>`;
}

export function StaffList({ me }) {
  const st = useLoad(() => get('/api/v1/staff'), []);
  const [open, setOpen] = useState(0);
  const [editing, setEditing] = useState(0);
  const [msg, setMsg] = useState('');
  const [compError, setCompError] = useState(null);
  const role = me?.role;
  const canCreate = role === 'admin';
  const canRecord = role === 'admin' || role === 'super_user';
  /* A super-user administers the municipal nurses and super-users of their own municipality:
   * the same top of the organisation tree (the server checks it again). */
  const tree = useLoad(() => (role === 'super_user' ? orgs() : Promise.resolve([])), [role]);
  const parent = new Map((tree.data || []).map((x) => [x.id, x.parent_id ?? 0]));
  const rootOf = (id) => {
    for (let n = 0; parent.get(id) && n < 32; n++) id = parent.get(id);
    return id;
  };
  const canManage = (s) => role === 'admin' ||
    (role === 'super_user' && MUNICIPAL_ROLES.includes(s.role) && rootOf(s.org_id) === rootOf(me.org_id));
  const list = st.data || [];
  const comps = list.flatMap((s) => s.competences || []);
  const expired = comps.filter((c) => expiryState(c.expires_on) === 'expired').length;
  const soon = comps.filter((c) => expiryState(c.expires_on) === 'soon').length;
  const saved = (text) => {
    setOpen(0);
    setEditing(0);
    setMsg(text);
    setCompError(null);
    st.reload();
  };
  return html`${canCreate && html`<${NewStaff} onCreated=${() => st.reload()} />`}
    <${Loading} state=${st} />
    <${Ok} text=${msg} />
    <${ErrorBox} error=${compError} />
    ${st.data && html`<p role="status">${t('staff.summary', { n: list.length, expired, soon, days: SOON_DAYS })}</p>
      <div class="scroll"><table class="staff"><thead><tr><th scope="col">${t('staff.name')}</th><th scope="col">${t('staff.role')}</th>
        <th scope="col">${t('staff.org')}</th><th scope="col">${t('staff.username')}</th><th scope="col">${t('staff.competences')}</th>
        ${canRecord && html`<th scope="col">${t('staffedit.actions')}</th>`}</tr></thead>
      <tbody>${list.map((s) => html`<tr key=${s.id} class=${s.active === false ? 'inactive' : ''}>
        <td>${s.name}${s.active === false ? html` <span class="hint">(${t('staff.inactive')})</span>` : ''}</td>
        <td>${t('role.' + s.role)}</td><td>${s.org}</td><td><code>${s.username || '–'}</code></td>
        <td>${(s.competences || []).length ? html`<ul class="comps">${s.competences.map((c) => html`<${Competence} c=${c} s=${s}
            canChange=${canRecord} onChanged=${saved} onError=${(e) => { setMsg(''); setCompError(e); }} />`)}</ul>` : html`<span class="hint">${t('staff.none')}</span>`}
          ${canRecord && html`<div><button type="button" class="secondary" aria-expanded=${open === s.id ? 'true' : 'false'}
            aria-label=${t('compform.title_for', { name: s.name })}
            onClick=${() => { setMsg(''); setOpen(open === s.id ? 0 : s.id); }}>${t('compform.open')}</button></div>`}
          ${open === s.id && html`<${CompetenceForm} s=${s} onSaved=${saved} onClose=${() => setOpen(0)} />`}</td>
        ${canRecord && html`<td>${canManage(s) && html`<button type="button" class="secondary" aria-expanded=${editing === s.id ? 'true' : 'false'}
            aria-label=${t('staffedit.title_for', { name: s.name })}
            onClick=${() => { setMsg(''); setEditing(editing === s.id ? 0 : s.id); }}>${t('staffedit.open')}</button>`}
          ${editing === s.id && html`<${StaffEdit} s=${s} me=${me} onSaved=${saved} onClose=${() => setEditing(0)} />`}</td>`}
      </tr>`)}</tbody></table></div>`}`;
}

export function StaffPage({ me }) {
  return html`<main id="main"><h1>${t('staff.title')}</h1><${StaffList} me=${me} /></main>`;
}

export function AdminPage({ me }) {
  const st = useLoad(() => orgs(), []);
  const isAdmin = me.role === 'admin';
  const em = useLoad(() => (isAdmin ? get('/api/v1/audit/emergency') : Promise.resolve([])), []);
  const [acct, setAcct] = useState('');
  const [error, setError] = useState(null);
  const [msg, setMsg] = useState('');
  const revoke = async (e) => {
    e.preventDefault();
    setError(null);
    setMsg('');
    try {
      await post(`/api/v1/accounts/${Number(acct)}/revoke`);
      setMsg(t('admin.revoked', { id: acct }));
    } catch (err) {
      setError(err);
    }
  };
  return html`<main id="main">
    <h1>${isAdmin ? t('admin.title') : t('nav.orgs')}</h1>
    ${isAdmin && html`<section aria-labelledby="sf-h"><h2 id="sf-h">${t('staff.title')}</h2><${StaffList} me=${me} /></section>
    <section aria-labelledby="st-h"><h2 id="st-h">${t('admin.staff')}</h2>
      <p class="hint">${t('admin.revoke_hint')}</p>
      <form onSubmit=${revoke} class="row">
        <div class="field"><label for="rv-id">${t('admin.account_id')}</label>
          <input id="rv-id" inputmode="numeric" value=${acct} onInput=${(e) => setAcct(e.target.value)} required /></div>
        <div><button type="submit" class="danger">${t('admin.revoke')}</button></div>
      </form>
      <${Ok} text=${msg} /><${ErrorBox} error=${error} />
    </section>
    <section aria-labelledby="em-h"><h2 id="em-h">${t('admin.emergency')}</h2>
      <${Loading} state=${em} />
      ${em.data && em.data.length === 0 && html`<p>${t('admin.no_emergency')}</p>`}
      ${em.data && em.data.length > 0 && html`<table><thead><tr><th scope="col">${t('log.at')}</th><th scope="col">${t('log.who')}</th>
        <th scope="col">${t('log.action')}</th><th scope="col">${t('log.object')}</th><th scope="col">${t('log.reason')}</th></tr></thead>
        <tbody>${em.data.map((r) => html`<tr><td>${fmtDateTime(r.at)}</td><td>${r.who} (${r.role})</td><td>${r.action}</td><td>${r.object}</td><td>${r.reason || ''}</td></tr>`)}</tbody></table>`}
    </section>`}
    <section aria-labelledby="org-h"><h2 id="org-h">${t('admin.orgs')}</h2>
      <${Loading} state=${st} />${st.data && html`<${OrgTree} list=${st.data} />`}</section>
  </main>`;
}
