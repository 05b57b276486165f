// devices.js: logistics' view of the infusion pumps: per depot, who has each assigned pump (the
// episode, its home-care organisation and municipality, since when; no patient data) and which
// are due for service (within 30 days, or overdue, highlighted).
import { html, useLoad, Loading } from '../ui.js';
import { t, fmtDate, fmtDateTime, todayOslo } from '../i18n.js';
import { get } from '../api.js';

export function DevicesPage() {
  const st = useLoad(() => get('/api/v1/devices'), []);
  const today = todayOslo();
  const soon = todayOslo(30);
  const byDepot = new Map();
  for (const d of st.data || []) {
    const k = d.depot || '–';
    if (!byDepot.has(k)) byDepot.set(k, []);
    byDepot.get(k).push(d);
  }
  const where = (d) => {
    if (d.status !== 'assigned' && !d.episode_id) return '–';
    const ep = d.episode_id ? t('devices.episode_n', { id: d.episode_id }) : '';
    const place = [d.home_care_org, d.municipality && d.municipality !== d.home_care_org ? d.municipality : ''].filter(Boolean).join(', ');
    return html`<span class="ep">${ep}</span>${place && html`<br /><span class="hint">${place}</span>`}`;
  };
  const due = (st.data || []).filter((d) => d.service_due && d.service_due <= soon);
  return html`<main id="main">
    <h1>${t('devices.title')}</h1>
    <${Loading} state=${st} />
    ${st.data && html`<p>${t('devices.summary', { n: st.data.length, assigned: st.data.filter((d) => d.status === 'assigned').length, due: due.length })}</p>`}
    ${[...byDepot.entries()].map(([depot, list]) => html`<section aria-label=${depot}>
      <h2>${depot}</h2>
      <table><thead><tr><th scope="col">${t('devices.serial')}</th><th scope="col">${t('devices.model')}</th>
        <th scope="col">${t('devices.status')}</th><th scope="col">${t('devices.patient')}</th>
        <th scope="col">${t('devices.since')}</th><th scope="col">${t('devices.service_due')}</th></tr></thead>
      <tbody>${list.map((d) => {
        const cls = d.service_due && d.service_due < today ? 'overdue' : d.service_due && d.service_due <= soon ? 'due-soon' : '';
        return html`<tr class=${cls}><td>${d.serial}</td><td>${d.model}</td><td>${t('dstatus.' + d.status)}</td>
          <td>${where(d)}</td><td>${d.assigned_at ? fmtDateTime(d.assigned_at) : '–'}</td>
          <td>${d.service_due ? fmtDate(d.service_due) : '–'}${cls === 'overdue' ? ` (${t('devices.overdue')})` : cls === 'due-soon' ? ` (${t('devices.due_soon')})` : ''}</td></tr>`;
      })}</tbody></table>
    </section>`)}
  </main>`;
}
