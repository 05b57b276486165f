// admin.js: the admin's page: staff with their competences (expired and soon-expiring
// training highlighted, in words as well as colour), revoking an account's tokens, the review of
// emergency ("break the glass") access and the organisation tree. StaffPage shows the staff
// list alone, for the physicians, hospital nurses and super-users who train colleagues.
import { useState } from 'preact/hooks';
import { html, useLoad, Loading, ErrorBox, Ok } from '../ui.js';
import { t, fmtDate, fmtDateTime, todayOslo } from '../i18n.js';
import { get, post } from '../api.js';
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

function Competence({ c }) {
  const ex = expiryState(c.expires_on);
  return html`<li class=${'comp' + (ex ? ' comp-' + ex : '')}>
    <strong>${t('comp.' + c.kind)}</strong>
    <span class="comp-dates">${t('staff.trained_on', { date: c.trained_on ? fmtDate(c.trained_on) : '–' })},
      ${c.expires_on ? t('staff.expires_on', { date: fmtDate(c.expires_on) }) : t('staff.no_expiry')}</span>
    ${ex && html` <span class=${'badge badge-' + ex}>${t('staff.' + ex)}</span>`}
  </li>`;
}

export function StaffList() {
  const st = useLoad(() => get('/api/v1/staff'), []);
  const list = st.data || [];
  const comps = list.flatMap((s) => s.competences || []);
  const expired = comps.filter((c) => expiryState(c.expires_on) === 'expired').length;
  const soon = comps.filter((c) => expiryState(c.expires_on) === 'soon').length;
  return html`<${Loading} state=${st} />
    ${st.data && html`<p role="status">${t('staff.summary', { n: list.length, expired, soon, days: SOON_DAYS })}</p>
      <div class="scroll"><table class="staff"><thead><tr><th scope="col">${t('staff.name')}</th><th scope="col">${t('staff.role')}</th>
        <th scope="col">${t('staff.org')}</th><th scope="col">${t('staff.username')}</th><th scope="col">${t('staff.competences')}</th></tr></thead>
      <tbody>${list.map((s) => html`<tr key=${s.id} class=${s.active === false ? 'inactive' : ''}>
        <td>${s.name}${s.active === false ? html` <span class="hint">(${t('staff.inactive')})</span>` : ''}</td>
        <td>${t('role.' + s.role)}</td><td>${s.org}</td><td><code>${s.username || '–'}</code></td>
        <td>${(s.competences || []).length ? html`<ul class="comps">${s.competences.map((c) => html`<${Competence} c=${c} />`)}</ul>` : html`<span class="hint">${t('staff.none')}</span>`}</td>
      </tr>`)}</tbody></table></div>`}`;
}

export function StaffPage() {
  return html`<main id="main"><h1>${t('staff.title')}</h1><${StaffList} /></main>`;
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
    ${isAdmin && html`<section aria-labelledby="sf-h"><h2 id="sf-h">${t('staff.title')}</h2><${StaffList} /></section>
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
