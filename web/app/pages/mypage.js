// mypage.js: the patient's own page, made for a phone: answer today's questions of the pathway,
// report vital signs (the fields of the pathway's vital-signs task, NEWS2 shown as typed), and
// see who has read the record.
import { useState } from 'preact/hooks';
import { html, useLoad, Loading, ErrorBox, Ok } from '../ui.js';
import { t, fmtDateTime } from '../i18n.js';
import { get, post } from '../api.js';
import { taskTemplate } from '../data.js';
import { DocForm } from './docform.js';
import { QuestionForm } from './questions.js';

export function MyPage({ me }) {
  const pid = me.patient_id;
  const [msg, setMsg] = useState('');
  const [error, setError] = useState(null);
  const [formKey, setFormKey] = useState(0);
  const tpl = useLoad(() => taskTemplate('vital_signs'), []);
  /* The open episode's NEWS2 SpO2 scale, prescribed by the physician. */
  const eps = useLoad(() => get(`/api/v1/patients/${pid}/episodes`), [pid]);
  const spo2Scale = (eps.data || []).find((e) => !['completed', 'discontinued'].includes(e.state))?.spo2_scale || 1;
  const log = useLoad(() => get(`/api/v1/patients/${pid}/access-log`), [pid, msg]);
  const report = async (values) => {
    setError(null);
    setMsg('');
    const { note, ...rest } = values;
    try {
      await post(`/api/v1/patients/${pid}/observations`, { kind: 'vital_signs', values: note ? values : rest });
      setMsg(t('my.sent'));
      setFormKey((k) => k + 1);
    } catch (e) {
      setError(e);
    }
  };
  return html`<main id="main" class="narrow">
    <h1>${t('my.title')}</h1>
    <section aria-labelledby="q-h"><h2 id="q-h">${t('q.title')}</h2>
      <${QuestionForm} pid=${pid} />
    </section>
    <section aria-labelledby="rep-h"><h2 id="rep-h">${t('my.report')}</h2>
      <p>${t('my.report_intro')}</p>
      <${Ok} text=${msg} /><${ErrorBox} error=${error} />
      <${Loading} state=${tpl} />
      ${tpl.data && html`<${DocForm} key=${formKey} fields=${tpl.data.documentation.fields} kind="vital_signs" spo2Scale=${spo2Scale} onSubmit=${report} submitLabel=${t('my.send')} />`}
    </section>
    <section aria-labelledby="log-h"><h2 id="log-h">${t('my.access_log')}</h2>
      <${Loading} state=${log} />
      ${log.data && html`<ul class="plain log">${log.data.slice(0, 50).map((r) => html`<li>
        <time>${fmtDateTime(r.at)}</time> · ${r.who} (${t('role.' + r.role) === 'role.' + r.role ? r.role : t('role.' + r.role)}${r.organisation ? ', ' + r.organisation : ''}) · ${t('action.' + r.action)} ${r.emergency ? html`<strong>${t('my.emergency')}</strong>` : ''}</li>`)}</ul>`}
    </section>
  </main>`;
}
