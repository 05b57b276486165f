// patients.js: the patients the caller may see, and one patient's summary: contact details,
// next of kin, episodes, the last vital signs with NEWS2 and the recent tasks.
import { useState } from 'preact/hooks';
import { html, Link, useLoad, Loading } from '../ui.js';
import { t, fmtDateTime, fmtTime } from '../i18n.js';
import { get } from '../api.js';
import { news2 } from '../news2.js';
import { AnswerList, QuestionForm } from './questions.js';
import { ContactEdit } from './contact.js';

export function PatientList() {
  const st = useLoad(() => get('/api/v1/patients'), []);
  return html`<main id="main">
    <h1>${t('patients.title')}</h1>
    <${Loading} state=${st} />
    ${st.data && st.data.length === 0 && html`<p>${t('patients.none')}</p>`}
    ${st.data && st.data.length > 0 && html`<div class="scroll"><table>
      <caption class="sr-only">${t('patients.title')}</caption>
      <thead><tr><th scope="col">${t('patient.name')}</th><th scope="col">${t('patient.national_id')}</th>
        <th scope="col">${t('patient.municipality')}</th><th scope="col">${t('patient.zone')}</th></tr></thead>
      <tbody>${st.data.map((p) => html`<tr>
        <td><${Link} href=${'/patients/' + p.id}>${p.name}</${Link}></td><td>${p.national_id}</td>
        <td>${p.municipality}</td><td>${p.zone || ''}</td></tr>`)}</tbody>
    </table></div>`}
  </main>`;
}

function VitalsList({ values }) {
  return html`<ul class="vitals">${Object.entries(values).map(([k, x]) => html`<li><span>${t('vital.' + k)}</span> <strong>${x === true ? t('common.yes') : x === false ? t('common.no') : t('value.' + x) === 'value.' + x ? String(x) : t('value.' + x)}</strong></li>`)}</ul>`;
}

/* The last set a nurse or the patient entered (scored with NEWS2), and the patient's devices'
 * last values when there are any (a device set is never complete enough for NEWS2). */
export function LastVitals({ obs, spo2Scale = 1 }) {
  const v = (obs || []).find((o) => o.kind === 'vital_signs');
  const d = (obs || []).find((o) => o.kind === 'device_vitals');
  const device = d ? html`<div class="device-vitals">
    <p>${fmtDateTime(d.observed_at)} (${t('source.device')} ${d.device})</p>
    <${VitalsList} values=${d.values} />
  </div>` : '';
  if (!v) return html`<div><p>${t('patient.no_vitals')}</p>${device}</div>`;
  const r = news2(v.values, spo2Scale);
  return html`<div>
    <p>${fmtDateTime(v.observed_at)} (${t('source.' + v.source)})</p>
    <${VitalsList} values=${v.values} />
    <p class=${'news2 risk-' + r.risk}><strong>NEWS2 ${r.total}</strong> ${t('news2.risk.' + r.risk)}
      ${!r.complete ? html` <em>(${t('news2.incomplete')})</em>` : ''}
      ${spo2Scale === 2 ? html` · ${t('news2.scale2')}` : ''}</p>
    ${device}
  </div>`;
}

/* The summary a nurse or operator needs on the doorstep or on the phone. */
export function PatientSummary({ id, compact }) {
  const st = useLoad(async () => {
    const [p, eps, obs] = await Promise.all([
      get(`/api/v1/patients/${id}`),
      get(`/api/v1/patients/${id}/episodes`),
      get(`/api/v1/patients/${id}/observations`),
    ]);
    const open = eps.find((e) => !['completed', 'discontinued'].includes(e.state));
    let episode = null;
    let tasks = [];
    if (open) {
      [episode, tasks] = await Promise.all([get(`/api/v1/episodes/${open.id}`), get(`/api/v1/episodes/${open.id}/tasks`)]);
    }
    return { p, eps, obs, episode, tasks };
  }, [id]);
  if (!st.data) return html`<${Loading} state=${st} />`;
  const { p, eps, obs, episode, tasks } = st.data;
  const now = Date.now();
  const recent = tasks.filter((x) => new Date(x.window_start).getTime() < now + 86400000).slice(-8).reverse();
  const H = compact ? 'h3' : 'h2';
  return html`<div class="summary">
    <dl class="facts">
      <dt>${t('patient.national_id')}</dt><dd>${p.national_id}</dd>
      <dt>${t('patient.address')}</dt><dd>${p.address}</dd>
      <dt>${t('patient.phone')}</dt><dd>${p.phone ? html`<a href=${'tel:' + p.phone}>${p.phone}</a>` : '–'}</dd>
      <dt>${t('patient.next_of_kin')}</dt><dd>${(p.next_of_kin || []).map((k) => html`<div>${k.name} (${k.relation}) ${k.phone && html`<a href=${'tel:' + k.phone}>${k.phone}</a>`}</div>`)}</dd>
      ${episode && html`<dt>${t('episode.pathway')}</dt><dd>${episode.pathway} · <span class="state">${t('estate.' + episode.state)}</span></dd>
        <dt>${t('episode.physician')}</dt><dd>${episode.physician || '–'}</dd>
        <dt>${t('episode.home_care')}</dt><dd>${episode.home_care_org || '–'}</dd>
        <dt>${t('episode.regimen')}</dt><dd>${episode.regimen ? `${episode.regimen.drug} ${episode.regimen.dose} ${episode.regimen.dose_unit} · ${(episode.regimen.bag_change_times || []).join(', ')}` : '–'}</dd>
        <dt>${t('episode.pump')}</dt><dd>${episode.pump ? `${episode.pump.serial} (${episode.pump.model})` : '–'}</dd>`}
    </dl>
    <${H}>${t('patient.last_vitals')}</${H}>
    <${LastVitals} obs=${obs} spo2Scale=${episode?.spo2_scale || 1} />
    ${episode && html`<${H}>${t('q.latest')}</${H}>
      <${AnswerList} episodeId=${episode.id} pathwayId=${episode.pathway} compact=${true} level=${compact ? 4 : 3} />`}
    <${H}>${t('patient.recent_tasks')}</${H}>
    ${recent.length === 0 ? html`<p>–</p>` : html`<ul class="plain">${recent.map((x) => html`<li>
      ${fmtDateTime(x.window_start)}–${fmtTime(x.window_end)} ${t('kind.' + x.kind)}: <span class=${'state state-' + x.state}>${t('state.' + x.state)}</span>${x.reason ? ` (${x.reason})` : ''}</li>`)}</ul>`}
    ${!compact && html`<h2>${t('patient.episodes')}</h2>
      <ul class="plain">${eps.map((e) => html`<li><${Link} href=${'/episodes/' + e.id}>${e.pathway} · ${t('estate.' + e.state)} · ${fmtDateTime(e.referred_at)}</${Link}></li>`)}</ul>`}
  </div>`;
}

/* Staff who may answer the questionnaire on the patient's behalf (a phone call, a visit). */
const ANSWERERS = ['physician', 'hospital_nurse', 'municipal_nurse', 'super_user'];

export function PatientPage({ me, id }) {
  const st = useLoad(() => get(`/api/v1/patients/${id}`), [id]);
  const [version, setVersion] = useState(0); // a saved change reloads the summary
  return html`<main id="main" class="narrow">
    <h1>${st.data ? st.data.name : t('patient.title')}</h1>
    ${st.error ? html`<${Loading} state=${st} />` : html`<${PatientSummary} id=${id} key=${version} />`}
    ${st.data && html`<${ContactEdit} patient=${st.data}
      onSaved=${() => { st.reload(); setVersion(version + 1); }} />`}
    ${st.data && ANSWERERS.includes(me?.role) && html`<details class="card behalf">
      <summary><h2>${t('q.behalf')}</h2></summary>
      <p class="hint">${t('q.behalf_hint')}</p>
      <${QuestionForm} pid=${id} onSent=${() => setVersion(version + 1)} />
    </details>`}
  </main>`;
}
