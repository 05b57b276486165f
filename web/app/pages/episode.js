// episode.js: the hospital's pages: a new referral, and one episode from eligibility and
// approval through regimen, pump, training and activation to readmission and completion,
// with its timeline, vital signs charted with uPlot, and the tasks done and missed.
import { useState, useEffect, useRef } from 'preact/hooks';
import uPlot from 'uplot';
import { html, Link, useLoad, Loading, ErrorBox, Ok, navigate } from '../ui.js';
import { t, tl, fmtDateTime, fmtTime, todayOslo, lang } from '../i18n.js';
import { get, post, put } from '../api.js';
import { pathways, drugs } from '../data.js';
import { AnswerList, AnswerEvent, answerEvents } from './questions.js';

function Input({ id, label, value, set, type = 'text', ...rest }) {
  return html`<div class="field"><label for=${id}>${label}</label>
    <input id=${id} type=${type} value=${value} onInput=${(e) => set(e.target.value)} ...${rest} /></div>`;
}

export function ReferralPage() {
  const [f, setF] = useState({ national_id: '', name: '', address: '', lat: '69.65', lon: '18.95', municipality: 'Tromsø',
    zone: '', language: 'nb', phone: '', kin_name: '', kin_relation: '', kin_phone: '', pathway: 'iv-antibiotics' });
  const [error, setError] = useState(null);
  const pw = useLoad(() => pathways(), []);
  const set = (k) => (v) => setF((x) => ({ ...x, [k]: v }));
  const submit = async (e) => {
    e.preventDefault();
    setError(null);
    const patient = { national_id: f.national_id.trim(), name: f.name.trim(), address: f.address.trim(),
      lat: Number(f.lat), lon: Number(f.lon), municipality: f.municipality.trim(), language: f.language };
    if (f.zone) patient.zone = Number(f.zone);
    if (f.phone) patient.phone = f.phone;
    if (f.kin_name) patient.next_of_kin = [{ name: f.kin_name, relation: f.kin_relation, phone: f.kin_phone }];
    try {
      const r = await post('/api/v1/referrals', { patient, pathway: f.pathway });
      navigate('/episodes/' + r.episode_id);
    } catch (err) {
      setError(err);
    }
  };
  return html`<main id="main" class="narrow">
    <h1>${t('referral.title')}</h1>
    <form onSubmit=${submit}>
      <div class="field"><label for="ref-pathway">${t('referral.pathway')}</label>
        <select id="ref-pathway" value=${f.pathway} onChange=${(e) => set('pathway')(e.target.value)}>
          ${(pw.data || [{ id: 'iv-antibiotics' }]).map((p) => html`<option value=${p.id}>${tl(p.name) || p.id}</option>`)}
        </select></div>
      <${Input} id="ref-nid" label=${t('patient.national_id')} value=${f.national_id} set=${set('national_id')} inputmode="numeric" maxlength="11" required />
      <${Input} id="ref-name" label=${t('patient.name')} value=${f.name} set=${set('name')} required />
      <${Input} id="ref-address" label=${t('patient.address')} value=${f.address} set=${set('address')} required />
      <div class="row">
        <${Input} id="ref-lat" label=${t('referral.lat')} value=${f.lat} set=${set('lat')} inputmode="decimal" />
        <${Input} id="ref-lon" label=${t('referral.lon')} value=${f.lon} set=${set('lon')} inputmode="decimal" />
      </div>
      <${Input} id="ref-muni" label=${t('patient.municipality')} value=${f.municipality} set=${set('municipality')} required />
      <${Input} id="ref-zone" label=${t('referral.zone')} value=${f.zone} set=${set('zone')} inputmode="numeric" />
      <div class="field"><label for="ref-lang">${t('referral.language')}</label>
        <select id="ref-lang" value=${f.language} onChange=${(e) => set('language')(e.target.value)}>
          <option value="nb">Norsk bokmål</option><option value="nn">Norsk nynorsk</option><option value="en">English</option>
        </select></div>
      <${Input} id="ref-phone" label=${t('patient.phone')} value=${f.phone} set=${set('phone')} type="tel" />
      <fieldset><legend>${t('patient.next_of_kin')}</legend>
        <${Input} id="ref-kin-name" label=${t('referral.kin_name')} value=${f.kin_name} set=${set('kin_name')} />
        <${Input} id="ref-kin-rel" label=${t('referral.kin_relation')} value=${f.kin_relation} set=${set('kin_relation')} />
        <${Input} id="ref-kin-phone" label=${t('patient.phone')} value=${f.kin_phone} set=${set('kin_phone')} type="tel" />
      </fieldset>
      <${ErrorBox} error=${error} />
      <button type="submit">${t('referral.submit')}</button>
    </form>
  </main>`;
}

function VitalsChart({ obs }) {
  const ref = useRef(null);
  const vit = (obs || []).filter((o) => o.kind === 'vital_signs').slice().reverse();
  useEffect(() => {
    if (!ref.current || vit.length === 0) return undefined;
    const xs = vit.map((o) => new Date(o.observed_at).getTime() / 1000);
    const col = (k) => vit.map((o) => (o.values[k] ?? null));
    const width = Math.min(ref.current.clientWidth || 640, 900);
    const plot = new uPlot({
      width, height: 240, tzDate: (ts) => uPlot.tzDate(new Date(ts * 1e3), 'Europe/Oslo'),
      series: [{}, { label: t('vital.temperature'), stroke: '#b3261e', scale: 'temp', width: 2 },
        { label: t('vital.pulse'), stroke: '#0b5394', width: 2 },
        { label: t('vital.systolic_bp'), stroke: '#38761d', width: 2 }],
      axes: [{}, { scale: 'temp', label: '°C' }, { side: 1, label: '/min, mmHg', grid: { show: false } }],
      scales: { temp: { range: [35, 41] } },
    }, [xs, col('temperature'), col('pulse'), col('systolic_bp')], ref.current);
    return () => plot.destroy();
  }, [obs, lang.value]);
  if (vit.length === 0) return html`<p>${t('patient.no_vitals')}</p>`;
  return html`<figure><div ref=${ref} class="chart" role="img" aria-label=${t('episode.chart_label', { n: vit.length })}></div>
    <figcaption>${t('episode.chart_caption')}</figcaption></figure>`;
}

const OUTCOMES = ['cured', 'improved', 'unchanged', 'worse', 'readmitted', 'transferred', 'died', 'other'];

function RegimenForm({ ep, act }) {
  const r = ep.regimen || {};
  const [f, setF] = useState({ drug: r.drug || 'ceftriaxone', dose: r.dose ?? 2, dose_unit: r.dose_unit || 'g',
    interval_hours: r.interval_hours ?? 24, infusion_minutes: r.infusion_minutes ?? 30, bags_per_day: r.bags_per_day ?? 1,
    bag_change_times: (r.bag_change_times || ['08:00']).join(', '), line_type: r.line_type || 'PICC',
    line_inserted: r.line_inserted || todayOslo(), start_date: r.start_date || todayOslo(), end_date: r.end_date || todayOslo(20),
    vitals_times: (r.vitals_times || ['09:00']).join(', ') });
  const dr = useLoad(() => drugs(), []);
  const set = (k) => (v) => setF((x) => ({ ...x, [k]: v }));
  const list = (s) => s.split(',').map((x) => x.trim()).filter(Boolean);
  const submit = (e) => {
    e.preventDefault();
    act('put', 'regimen', { drug: f.drug, dose: Number(f.dose), dose_unit: f.dose_unit, interval_hours: Number(f.interval_hours),
      infusion_minutes: Number(f.infusion_minutes), bags_per_day: Number(f.bags_per_day), bag_change_times: list(f.bag_change_times),
      line_type: f.line_type, line_inserted: f.line_inserted, start_date: f.start_date, end_date: f.end_date,
      vitals_times: list(f.vitals_times) }, t('episode.regimen_saved'));
  };
  return html`<form onSubmit=${submit} class="grid">
    <div class="field"><label for="rg-drug">${t('regimen.drug')}</label>
      <select id="rg-drug" value=${f.drug} onChange=${(e) => set('drug')(e.target.value)}>
        ${(dr.data || [{ code: f.drug, name: f.drug }]).map((d) => html`<option value=${d.code}>${d.name}${d.max_bag_hours ? ` (${t('regimen.max_bag', { h: d.max_bag_hours })})` : ''}</option>`)}
      </select></div>
    <${Input} id="rg-dose" label=${t('regimen.dose')} value=${f.dose} set=${set('dose')} inputmode="decimal" />
    <${Input} id="rg-unit" label=${t('regimen.dose_unit')} value=${f.dose_unit} set=${set('dose_unit')} />
    <${Input} id="rg-int" label=${t('regimen.interval_hours')} value=${f.interval_hours} set=${set('interval_hours')} inputmode="numeric" />
    <${Input} id="rg-inf" label=${t('regimen.infusion_minutes')} value=${f.infusion_minutes} set=${set('infusion_minutes')} inputmode="numeric" />
    <${Input} id="rg-bags" label=${t('regimen.bags_per_day')} value=${f.bags_per_day} set=${set('bags_per_day')} inputmode="numeric" />
    <${Input} id="rg-times" label=${t('regimen.bag_change_times')} value=${f.bag_change_times} set=${set('bag_change_times')} />
    <div class="field"><label for="rg-line">${t('regimen.line_type')}</label>
      <select id="rg-line" value=${f.line_type} onChange=${(e) => set('line_type')(e.target.value)}>
        <option>PICC</option><option>CVC</option><option value="port">port</option></select></div>
    <${Input} id="rg-lineins" label=${t('regimen.line_inserted')} value=${f.line_inserted} set=${set('line_inserted')} type="date" />
    <${Input} id="rg-start" label=${t('regimen.start_date')} value=${f.start_date} set=${set('start_date')} type="date" />
    <${Input} id="rg-end" label=${t('regimen.end_date')} value=${f.end_date} set=${set('end_date')} type="date" />
    <${Input} id="rg-vit" label=${t('regimen.vitals_times')} value=${f.vitals_times} set=${set('vitals_times')} />
    <div><button type="submit">${t('episode.save_regimen')}</button></div>
  </form>`;
}

/* The physician prescribes the SpO2 scale NEWS2 uses for this episode (scale 2 for
 * hypercapnic respiratory failure); the server's alert rules and every NEWS2 shown use it. */
function News2ScaleForm({ ep, act }) {
  const [scale, setScale] = useState(String(ep.spo2_scale || 1));
  return html`<form class="row" onSubmit=${(e) => { e.preventDefault(); act('put', 'news2-scale', { spo2_scale: Number(scale) }, t('episode.news2_scale_saved')); }}>
    <div class="field"><label for="ep-scale">${t('episode.news2_scale')}</label>
      <select id="ep-scale" value=${scale} onChange=${(e) => setScale(e.target.value)}>
        <option value="1">${t('news2.scale1')}</option><option value="2">${t('news2.scale2')}</option></select></div>
    <div><button type="submit" class="secondary">${t('episode.news2_scale_save')}</button></div>
  </form>`;
}

function PumpForm({ act }) {
  const [serial, setSerial] = useState('');
  const dev = useLoad(() => get('/api/v1/devices'), []);
  const avail = (dev.data || []).filter((d) => d.status === 'available' && d.kind === 'infusion_pump');
  return html`<form onSubmit=${(e) => { e.preventDefault(); act('post', 'pump', { serial }, t('episode.pump_saved')); }}>
    <div class="field"><label for="pump-serial">${t('episode.pump_serial')}</label>
      <input id="pump-serial" list="pump-list" value=${serial} onInput=${(e) => setSerial(e.target.value)} required />
      <datalist id="pump-list">${avail.map((d) => html`<option value=${d.serial}>${d.model} · ${d.depot}</option>`)}</datalist></div>
    ${dev.error && html`<p class="hint">${t('episode.pumps_unavailable')}</p>`}
    <button type="submit">${t('episode.assign_pump')}</button>
  </form>`;
}

/* Devices that monitor the patient at home (pulse oximeter, blood-pressure monitor,
 * thermometer): their measurements arrive over HL7 and show on the patient page. */
function MonitorDevices({ ep, act, ended }) {
  const [serial, setSerial] = useState('');
  const dev = useLoad(() => get('/api/v1/devices'), []);
  const avail = (dev.data || []).filter((d) => d.status === 'available' && d.kind !== 'infusion_pump');
  const mine = (ep.devices || []).filter((d) => d.kind !== 'infusion_pump');
  return html`<div>
    ${mine.length ? html`<ul class="devices">${mine.map((d) => html`<li>${t('device.' + d.kind)} ${d.serial} (${d.model})
      ${!ended && html` <button type="button" class="secondary" onClick=${() => act('post', 'devices/release', { serial: d.serial }, t('episode.device_released'))}>${t('episode.release_device')}</button>`}</li>`)}</ul>`
      : html`<p>${t('episode.no_devices')}</p>`}
    ${!ended && html`<form class="row" onSubmit=${(e) => { e.preventDefault(); act('post', 'devices', { serial }, t('episode.device_saved')); setSerial(''); }}>
      <div class="field"><label for="device-serial">${t('episode.device_serial')}</label>
        <input id="device-serial" list="device-list" value=${serial} onInput=${(e) => setSerial(e.target.value)} required />
        <datalist id="device-list">${avail.map((d) => html`<option value=${d.serial}>${t('device.' + d.kind)} · ${d.model} · ${d.depot}</option>`)}</datalist></div>
      <div><button type="submit" class="secondary">${t('episode.assign_device')}</button></div>
    </form>`}
  </div>`;
}

export function EpisodePage({ me, id }) {
  const [msg, setMsg] = useState('');
  const [error, setError] = useState(null);
  const [outcome, setOutcome] = useState('cured');
  const [note, setNote] = useState('');
  const [picked, setPicked] = useState({}); // answers shown at once, before the server confirms
  const st = useLoad(async () => {
    const ep = await get(`/api/v1/episodes/${id}`);
    const [tasks, obs, pws, answers] = await Promise.all([get(`/api/v1/episodes/${id}/tasks`),
      get(`/api/v1/patients/${ep.patient_id}/observations`), pathways(), get(`/api/v1/episodes/${id}/answers`)]);
    return { ep, tasks, obs, pw: pws.find((p) => p.id === ep.pathway), answers };
  }, [id]);
  const act = async (method, what, body, okText) => {
    setError(null);
    setMsg('');
    try {
      await (method === 'put' ? put : post)(`/api/v1/episodes/${id}/${what}`, body);
      setMsg(okText);
      st.reload();
    } catch (e) {
      setError(e);
    }
  };
  if (!st.data) return html`<main id="main"><${Loading} state=${st} /></main>`;
  const { ep, tasks, obs, pw, answers: qa } = st.data;
  /* The timeline: state changes and each set of questionnaire answers, by time. */
  const questions = Object.fromEntries((pw?.questions || []).map((q) => [q.id, q]));
  const timeline = [...(ep.timeline || []), ...answerEvents(qa, questions)]
    .sort((a, b) => new Date(a.at).getTime() - new Date(b.at).getTime());
  const s = ep.state;
  const ended = s === 'completed' || s === 'discontinued';
  const isPhys = me.role === 'physician';
  const now = Date.now();
  const missed = tasks.filter((x) => x.state === 'not_done' || (x.state === 'planned' && new Date(x.window_end).getTime() < now));
  const done = tasks.filter((x) => x.state === 'done');
  const elig = ep.eligibility || {};
  const answers = elig;
  const setItem = (item, v) => setPicked((p) => ({ ...p, [item]: v })) || act('put', 'eligibility', { answers: { [item]: v } }, t('episode.eligibility_saved'));
  return html`<main id="main">
    <h1>${ep.patient_name} · ${t('estate.' + s)}</h1>
    <p><${Link} href=${'/patients/' + ep.patient_id}>${t('episode.patient_summary')}</${Link}> · ${tl(pw?.name) || ep.pathway}</p>
    <${Ok} text=${msg} />
    <${ErrorBox} error=${error} />
    <dl class="facts">
      <dt>${t('episode.physician')}</dt><dd>${ep.physician || '–'}</dd>
      <dt>${t('episode.home_care')}</dt><dd>${ep.home_care_org || '–'}</dd>
      <dt>${t('episode.regimen')}</dt><dd>${ep.regimen ? `${ep.regimen.drug} ${ep.regimen.dose} ${ep.regimen.dose_unit}, ${ep.regimen.start_date}–${ep.regimen.end_date} (v${ep.regimen.version})` : '–'}</dd>
      <dt>${t('episode.pump')}</dt><dd>${ep.pump ? `${ep.pump.serial} (${ep.pump.model})` : '–'}</dd>
      <dt>${t('episode.news2_scale')}</dt><dd>${t(ep.spo2_scale === 2 ? 'news2.scale2' : 'news2.scale1')}</dd>
      <dt>${t('episode.days_at_home')}</dt><dd>${ep.days_at_home ?? 0} (${t('episode.bed_days', { n: ep.bed_days_at_home ?? 0 })})</dd>
      ${ep.outcome && html`<dt>${t('episode.outcome')}</dt><dd>${t('outcome.' + ep.outcome)} ${ep.outcome_note || ''}</dd>`}
    </dl>

    <section aria-labelledby="elig-h"><h2 id="elig-h">${t('episode.eligibility')}</h2>
      <ul class="checklist">${(pw?.eligibility || []).map((item) => {
        const a = answers[item.id];
        const met = picked[item.id] ?? a?.met;
        return html`<li><fieldset disabled=${s !== 'referred'}><legend>${item[lang.value] || item.nb || item.id}</legend>
          <label class="inline"><input type="radio" name=${'el-' + item.id} checked=${met === true} onChange=${() => setItem(item.id, true)} /> ${t('common.yes')}</label>
          <label class="inline"><input type="radio" name=${'el-' + item.id} checked=${met === false} onChange=${() => setItem(item.id, false)} /> ${t('common.no')}</label>
          ${a && html`<span class="hint answered"> ${typeof a.by === 'string' && !/^\d+$/.test(a.by) ? a.by + ' ' : ''}${fmtDateTime(a.at_ms)}</span>`}</fieldset></li>`;
      })}</ul>
      ${s === 'referred' && isPhys && html`<button type="button" onClick=${() => act('post', 'approve', undefined, t('episode.approved'))}>${t('episode.approve')}</button>`}
      ${s === 'referred' && !isPhys && html`<p class="hint">${t('episode.approve_physician_only')}</p>`}
    </section>

    ${!ended && s !== 'completed' && isPhys && html`<section aria-labelledby="rg-h"><h2 id="rg-h">${t('episode.regimen')}</h2><${RegimenForm} ep=${ep} act=${act} /></section>`}
    ${!ended && isPhys && html`<section aria-labelledby="scale-h"><h2 id="scale-h">NEWS2</h2>
      <p class="hint">${t('episode.news2_scale_hint')}</p><${News2ScaleForm} ep=${ep} act=${act} /></section>`}
    ${!ended && !ep.pump && html`<section aria-labelledby="pump-h"><h2 id="pump-h">${t('episode.pump')}</h2><${PumpForm} act=${act} /></section>`}
    <section aria-labelledby="devices-h"><h2 id="devices-h">${t('episode.devices')}</h2><${MonitorDevices} ep=${ep} act=${act} ended=${ended} /></section>

    <section aria-labelledby="steps-h"><h2 id="steps-h">${t('episode.steps')}</h2>
      <div class="actions">
        ${s === 'approved' && html`<button type="button" onClick=${() => act('post', 'training', { note: t('episode.training_note') }, t('episode.trained'))}>${t('episode.record_training')}</button>`}
        ${s === 'trained' && html`<button type="button" onClick=${() => act('post', 'activate', undefined, t('episode.activated'))}>${t('episode.activate')}</button>`}
        ${s === 'active' && html`<button type="button" class="secondary" onClick=${() => act('post', 'readmit', { note: note || undefined }, t('episode.readmitted'))}>${t('episode.readmit')}</button>`}
        ${s === 'readmitted' && html`<button type="button" onClick=${() => act('post', 'return', { note: note || undefined }, t('episode.returned'))}>${t('episode.return_home')}</button>`}
      </div>
      ${isPhys && !ended && html`<form class="row" onSubmit=${(e) => { e.preventDefault(); act('post', (s === 'active' || s === 'readmitted') ? 'complete' : 'discontinue', { outcome, note: note || undefined }, t('episode.ended')); }}>
        <div class="field"><label for="ep-outcome">${t('episode.outcome')}</label>
          <select id="ep-outcome" value=${outcome} onChange=${(e) => setOutcome(e.target.value)}>
            ${OUTCOMES.map((o) => html`<option value=${o}>${t('outcome.' + o)}</option>`)}</select></div>
        <div class="field"><label for="ep-note">${t('episode.note')}</label>
          <input id="ep-note" value=${note} onInput=${(e) => setNote(e.target.value)} maxlength="1000" /></div>
        <div><button type="submit" class="danger">${(s === 'active' || s === 'readmitted') ? t('episode.complete') : t('episode.discontinue')}</button></div>
      </form>`}
    </section>

    <section aria-labelledby="vit-h"><h2 id="vit-h">${t('episode.vitals')}</h2><${VitalsChart} obs=${obs} /></section>

    <section aria-labelledby="qa-h"><h2 id="qa-h">${t('q.answers')}</h2>
      <${AnswerList} episodeId=${ep.id} pathwayId=${ep.pathway} answers=${qa} /></section>

    <section aria-labelledby="tl-h"><h2 id="tl-h">${t('episode.timeline')}</h2>
      <ol class="timeline">${timeline.map((e) => e.kind === 'answers'
        ? html`<li class=${e.alarms.length ? 'answers alarmed' : 'answers'}><time>${fmtDateTime(e.at)}</time> <${AnswerEvent} e=${e} /></li>`
        : html`<li><time>${fmtDateTime(e.at)}</time> ${t('event.' + e.kind) === 'event.' + e.kind ? e.kind : t('event.' + e.kind)}${e.staff ? ` · ${e.staff}` : ''}${e.note ? ` · ${e.note}` : ''}</li>`)}</ol>
    </section>

    <section aria-labelledby="tk-h"><h2 id="tk-h">${t('episode.tasks')}</h2>
      <p>${t('episode.tasks_summary', { done: done.length, missed: missed.length, total: tasks.length })}</p>
      ${missed.length > 0 && html`<h3>${t('episode.missed')}</h3><ul class="plain">${missed.slice(0, 30).map((x) => html`<li class="missed">
        ${fmtDateTime(x.window_start)}–${fmtTime(x.window_end)} ${t('kind.' + x.kind)}: ${t('state.' + x.state)}${x.reason ? ` (${x.reason})` : ''}</li>`)}</ul>`}
      ${done.length > 0 && html`<h3>${t('episode.done')}</h3><ul class="plain">${done.slice(-30).reverse().map((x) => html`<li>
        ${fmtDateTime(x.done_at || x.window_start)} ${t('kind.' + x.kind)}${typeof x.done_by === 'string' && !/^\d+$/.test(x.done_by) ? ` · ${x.done_by}` : ''}</li>`)}</ul>`}
    </section>
  </main>`;
}
