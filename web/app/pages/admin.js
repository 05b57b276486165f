// admin.js: the admin's page with what the API offers today: the organisation tree, revoking an
// account's tokens, and the review of emergency ("break the glass") access. The API has no
// staff or competence listing yet; the page says so instead of inventing data.
import { useState } from 'preact/hooks';
import { html, useLoad, Loading, ErrorBox, Ok } from '../ui.js';
import { t, fmtDateTime } from '../i18n.js';
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
    ${isAdmin && html`<section aria-labelledby="st-h"><h2 id="st-h">${t('admin.staff')}</h2>
      <p class="hint">${t('admin.no_staff_api')}</p>
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
