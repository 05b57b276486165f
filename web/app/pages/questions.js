// questions.js: the patient's questionnaire. QuestionForm is the patient's form for today's
// questions of their pathway (one labelled field per question, made for a phone and the
// keyboard; the template decides the questions, the browser checks what the server will check);
// AnswerList shows an episode's answers to staff, with the answers that raised an alarm marked.
import { useState } from 'preact/hooks';
import { html, useLoad, Loading, ErrorBox, Ok, fieldId } from '../ui.js';
import { t, tl, fmtTime, fmtDate, lang } from '../i18n.js';
import { get, post } from '../api.js';
import { pathways } from '../data.js';

/* An answer's value in words: yes/no, the option's label, the scale step, the number and unit. */
export function answerText(q, value) {
  if (value === null || value === undefined) return '–';
  if (!q) return typeof value === 'string' ? value : JSON.stringify(value);
  if (q.type === 'yes_no') return value ? t('common.yes') : t('common.no');
  if (q.type === 'choice') return tl((q.options || []).find((o) => o.id === value)) || String(value);
  if (q.type === 'scale') return `${value} / ${q.max}`;
  if (q.type === 'number') {
    const n = typeof value === 'number' ? value.toLocaleString(lang.value === 'en' ? 'en-GB' : 'nb-NO') : String(value);
    return `${n}${q.unit ? ' ' + q.unit : ''}`;
  }
  return String(value);
}

/* The form's strings and choices as the API's values; problems in words. */
function collect(questions, raw) {
  const values = {};
  const problems = [];
  for (const q of questions) {
    const v = raw[q.id];
    const had = q.answer != null;
    const name = tl(q.text);
    if (v === undefined || v === '' || v === null) {
      if (q.required && !had) problems.push(t('q.required', { q: name }));
      continue;
    }
    let val = v;
    if (q.type === 'number' || q.type === 'scale') {
      val = Number(String(v).replace(',', '.'));
      if (!Number.isFinite(val) || (q.type === 'scale' && !Number.isInteger(val))) {
        problems.push(t('q.not_number', { q: name }));
        continue;
      }
      if (val < q.min || val > q.max) {
        problems.push(t('q.range', { q: name, min: q.min, max: q.max }));
        continue;
      }
    }
    if (q.type === 'text') val = String(v).trim();
    if (q.type === 'text' && !val) continue;
    if (had && JSON.stringify(q.answer.value) === JSON.stringify(val)) continue;
    values[q.id] = val;
  }
  return { values, problems };
}

function Required({ q }) {
  return q.required ? html` <span class="req">(${t('q.must')})</span>` : html` <span class="hint">(${t('q.optional')})</span>`;
}

function Answered({ q }) {
  if (!q.answer) return null;
  return html`<p class="hint answered">${t('q.answered', { time: fmtTime(q.answer.answered_at), value: answerText(q, q.answer.value) })}</p>`;
}

function Question({ q, value, set }) {
  const [id] = useState(() => fieldId('q-' + q.id));
  const text = tl(q.text);
  if (q.type === 'yes_no' || q.type === 'choice' || q.type === 'scale') {
    const opts = q.type === 'yes_no'
      ? [{ v: true, l: t('common.yes') }, { v: false, l: t('common.no') }]
      : q.type === 'choice'
        ? q.options.map((o) => ({ v: o.id, l: tl(o) }))
        : Array.from({ length: q.max - q.min + 1 }, (_, i) => ({ v: q.min + i, l: String(q.min + i) }));
    const hint = q.type === 'scale' && q.labels
      ? `${q.min} = ${tl(q.labels.min)}, ${q.max} = ${tl(q.labels.max)}` : '';
    return html`<fieldset class=${'field question q-' + q.type} aria-describedby=${hint ? id + '-hint' : undefined}>
      <legend>${text}<${Required} q=${q} /></legend>
      ${hint && html`<p class="hint" id=${id + '-hint'}>${hint}</p>`}
      <div class="opts">${opts.map((o) => html`<label class="opt"><input type="radio" name=${id} value=${String(o.v)}
        checked=${value === o.v} onChange=${() => set(o.v)} /> <span>${o.l}</span></label>`)}</div>
      <${Answered} q=${q} />
    </fieldset>`;
  }
  if (q.type === 'number') {
    return html`<div class="field question q-number"><label for=${id}>${text}<${Required} q=${q} /></label>
      <input id=${id} type="text" inputmode="decimal" autocomplete="off" value=${value ?? ''}
        aria-describedby=${id + '-hint'} onInput=${(e) => set(e.target.value)} />
      <span class="hint" id=${id + '-hint'}>${q.unit || ''} (${q.min}–${q.max})</span>
      <${Answered} q=${q} /></div>`;
  }
  return html`<div class="field question q-text"><label for=${id}>${text}<${Required} q=${q} /></label>
    <textarea id=${id} rows="3" maxlength=${q.max_length} value=${value ?? ''} onInput=${(e) => set(e.target.value)}></textarea>
    <${Answered} q=${q} /></div>`;
}

/* The patient's questions of today, answered as one set (the server takes all or nothing), by
 * the patient or by staff on their behalf; onSent(answer) after a set is stored. */
export function QuestionForm({ pid, onSent }) {
  const st = useLoad(() => get(`/api/v1/patients/${pid}/questions`), [pid]);
  const [raw, setRaw] = useState({});
  const [problems, setProblems] = useState([]);
  const [error, setError] = useState(null);
  const [msg, setMsg] = useState('');
  const [busy, setBusy] = useState(false);
  if (!st.data) return html`<${Loading} state=${st} />`;
  const qs = st.data.questions;
  if (!qs.length) return html`<p>${t('q.none')}</p>`;
  const done = qs.every((q) => !q.required || q.answer);
  const set = (id) => (v) => setRaw((r) => ({ ...r, [id]: v }));
  const submit = async (e) => {
    e.preventDefault();
    setError(null);
    setMsg('');
    const { values, problems: p } = collect(qs, raw);
    setProblems(p);
    if (p.length) return;
    if (!Object.keys(values).length) {
      setMsg(t('q.nothing'));
      return;
    }
    setBusy(true);
    try {
      const r = await post(`/api/v1/patients/${pid}/answers`, { date: st.data.date, answers: values });
      const alarmed = r.answers.some((a) => a.alarm);
      setMsg(alarmed ? `${t('q.sent')} ${t('q.sent_alarm')}` : t('q.sent'));
      setRaw({});
      st.reload();
      onSent?.(r);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  return html`<form class="questions" onSubmit=${submit} novalidate aria-describedby="q-intro">
    <p id="q-intro">${done ? t('q.all_done') : t('q.intro', { date: fmtDate(st.data.date) })}</p>
    ${qs.map((q) => html`<${Question} key=${q.id} q=${q} value=${raw[q.id] !== undefined ? raw[q.id] : q.answer?.value} set=${set(q.id)} />`)}
    ${problems.length > 0 && html`<div class="error" role="alert"><strong>${t('form.problems')}</strong>
      <ul>${problems.map((p) => html`<li>${p}</li>`)}</ul></div>`}
    <${ErrorBox} error=${error} />
    <${Ok} text=${msg} />
    <button type="submit" disabled=${busy}>${busy ? t('q.sending') : t('q.send')}</button>
  </form>`;
}

/* The questions of a pathway by id, from its template (for the texts of stored answers). */
async function questionsOf(pathwayId) {
  const all = await pathways();
  const p = all.find((x) => x.id === pathwayId) || all.find((x) => (x.questions || []).length);
  return Object.fromEntries(((p && p.questions) || []).map((q) => [q.id, q]));
}

/* An episode's answers for staff, grouped by day, newest first; compact: the newest answer of
 * each question on the newest day only. level: the heading level of the days; answers: the
 * episode's answers when the caller has them already (each read is audited: read once). */
export function AnswerList({ episodeId, pathwayId, compact, level = 3, answers: given }) {
  const st = useLoad(async () => {
    const [answers, qs] = await Promise.all([given || get(`/api/v1/episodes/${episodeId}/answers`), questionsOf(pathwayId)]);
    return { answers, qs };
  }, [episodeId, pathwayId, given]);
  if (!st.data) return html`<${Loading} state=${st} />`;
  const { answers, qs } = st.data;
  if (!answers.length) return html`<p>${t('q.no_answers')}</p>`;
  const days = [];
  for (const a of answers) {
    let d = days.find((x) => x.date === a.date);
    if (!d) days.push((d = { date: a.date, rows: [], seen: new Set() }));
    /* The newest answer per question and day is the one that counts; older ones are history. */
    if (compact && d.seen.has(a.question_id)) continue;
    d.seen.add(a.question_id);
    d.rows.push(a);
  }
  const H = 'h' + level;
  return html`<div class="answers">${(compact ? days.slice(0, 1) : days).map((d) => html`
    <${H}>${fmtDate(d.date)}</${H}>
    <ul class="plain answers">${d.rows.map((a) => html`<li class=${a.alarm ? 'alarmed prio-' + a.alarm.priority : ''}>
      ${a.alarm && html`<span class=${'badge prio-' + a.alarm.priority}>${t('priority.' + a.alarm.priority)}</span> `}
      <span class="qtext">${qs[a.question_id] ? tl(qs[a.question_id].text) : a.question_id}</span>${' '}
      <strong>${answerText(qs[a.question_id], a.value)}</strong>
      <span class="hint"> · ${fmtTime(a.answered_at)} · ${a.answered_by.name} (${t('role.' + a.answered_by.role)})</span></li>`)}</ul>`)}
  </div>`;
}

/* The episode timeline's entries for answers: one per set sent (same time and person), with the
 * alerting answers named. */
export function answerEvents(answers, questions) {
  const sets = new Map();
  for (const a of answers || []) {
    const key = a.answered_at + '|' + a.answered_by.name;
    if (!sets.has(key)) sets.set(key, { at: a.answered_at, kind: 'answers', who: a.answered_by, n: 0, alarms: [] });
    const e = sets.get(key);
    e.n += 1;
    if (a.alarm) e.alarms.push({ priority: a.alarm.priority, text: questions?.[a.question_id] ? tl(questions[a.question_id].text) : a.question_id });
  }
  return [...sets.values()];
}

export function AnswerEvent({ e }) {
  return html`${t('q.event', { n: e.n })} · ${e.who.name} (${t('role.' + e.who.role)})${e.alarms.map((a) => html` · <span class=${'badge prio-' + a.priority}>${t('priority.' + a.priority)}</span> ${a.text}`)}`;
}
