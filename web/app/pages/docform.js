// docform.js: a documentation form generated from the pathway template's fields for a task
// kind (types, required fields, ranges, allowed values), so the browser checks what the
// server will check. Vital signs show NEWS2 live as the values are typed.
import { useState } from 'preact/hooks';
import { html, fieldId } from '../ui.js';
import { t, tl } from '../i18n.js';
import { news2 } from '../news2.js';

/* Turns the form's strings into the JSON the API takes; returns {values, problems}. */
export function collect(fields, raw) {
  const values = {};
  const problems = [];
  for (const [name, f] of Object.entries(fields)) {
    const v = raw[name];
    const label = tl(f.label) || name;
    if (f.type === 'boolean') {
      if (v === true || v === false) values[name] = v;
      else if (f.required) problems.push(t('form.required', { field: label }));
      continue;
    }
    if (f.type === 'enum_list') {
      if (v && v.length) values[name] = v;
      else if (f.required) problems.push(t('form.required', { field: label }));
      continue;
    }
    if (v === undefined || v === '') {
      if (f.required) problems.push(t('form.required', { field: label }));
      continue;
    }
    if (f.type === 'number' || f.type === 'integer') {
      const n = Number(String(v).replace(',', '.'));
      if (!Number.isFinite(n) || (f.type === 'integer' && !Number.isInteger(n))) {
        problems.push(t(f.type === 'integer' ? 'form.not_integer' : 'form.not_number', { field: label }));
      } else if ((f.min !== undefined && n < f.min) || (f.max !== undefined && n > f.max)) {
        problems.push(t('form.range', { field: label, min: f.min, max: f.max }));
      } else values[name] = n;
      continue;
    }
    values[name] = String(v);
  }
  return { values, problems };
}

function NumberField({ id, f, value, onInput }) {
  return html`<input id=${id} type="text" inputmode=${f.type === 'integer' ? 'numeric' : 'decimal'}
    value=${value ?? ''} aria-describedby=${id + '-hint'} required=${!!f.required}
    onInput=${(e) => onInput(e.target.value)} />
    <span class="hint" id=${id + '-hint'}>${f.unit || ''} ${f.min !== undefined ? `(${f.min}–${f.max})` : ''}</span>`;
}

function Field({ name, f, value, set }) {
  const [id] = useState(() => fieldId(name));
  const label = tl(f.label) || name;
  const req = f.required ? html` <span class="req" aria-hidden="true">*</span>` : '';
  if (f.type === 'boolean') {
    return html`<fieldset class="field">
      <legend>${label}${req}</legend>
      <label class="inline"><input type="radio" name=${id} checked=${value === true} onChange=${() => set(true)} /> ${t('common.yes')}</label>
      <label class="inline"><input type="radio" name=${id} checked=${value === false} onChange=${() => set(false)} /> ${t('common.no')}</label>
    </fieldset>`;
  }
  if (f.type === 'enum_list') {
    const cur = value || [];
    const toggle = (v, on) => {
      let next = on ? [...cur.filter((x) => x !== v), v] : cur.filter((x) => x !== v);
      const excl = f.exclusive || [];
      if (on && excl.includes(v)) next = [v];
      else if (on) next = next.filter((x) => !excl.includes(x));
      set(next);
    };
    return html`<fieldset class="field">
      <legend>${label}${req}</legend>
      ${f.values.map((v) => html`<label class="inline"><input type="checkbox" name=${name} value=${v}
        checked=${cur.includes(v)} onChange=${(e) => toggle(v, e.target.checked)} /> ${t('finding.' + v)}</label>`)}
    </fieldset>`;
  }
  if (f.type === 'enum') {
    return html`<div class="field"><label for=${id}>${label}${req}</label>
      <select id=${id} value=${value ?? ''} onChange=${(e) => set(e.target.value)}>
        <option value="">${t('common.choose')}</option>
        ${f.values.map((v) => html`<option value=${v}>${t('value.' + v)}</option>`)}
      </select></div>`;
  }
  if (f.type === 'number' || f.type === 'integer') {
    return html`<div class="field"><label for=${id}>${label}${req}</label>
      <${NumberField} id=${id} f=${f} value=${value} onInput=${set} /></div>`;
  }
  const long = (f.max_length || 0) > 200;
  return html`<div class="field"><label for=${id}>${label}${req}</label>
    ${long
      ? html`<textarea id=${id} maxlength=${f.max_length} rows="3" value=${value ?? ''} onInput=${(e) => set(e.target.value)}></textarea>`
      : html`<input id=${id} type="text" maxlength=${f.max_length} value=${value ?? ''} required=${!!f.required}
          onInput=${(e) => set(e.target.value)} />`}
  </div>`;
}

export function News2Box({ values, spo2Scale = 1 }) {
  const r = news2(values, spo2Scale);
  const cls = `news2 risk-${r.risk}`;
  return html`<div class=${cls} role="status" aria-live="polite" data-testid="news2">
    <strong>NEWS2: <span class="score">${r.total}</span></strong>
    ${' '}${t('news2.risk.' + r.risk)}
    ${!r.complete ? html` <em>(${t('news2.incomplete')})</em>` : ''}
    ${r.single3 ? html` · ${t('news2.single3')}` : ''}
    ${spo2Scale === 2 ? html` · ${t('news2.scale2')}` : ''}
  </div>`;
}

/* fields: the template's documentation.fields; onSubmit(values) returns a promise; spo2Scale:
 * the episode's NEWS2 SpO2 scale (vital signs). */
export function DocForm({ fields, kind, onSubmit, submitLabel, spo2Scale = 1 }) {
  const [raw, setRaw] = useState({});
  const [problems, setProblems] = useState([]);
  const set = (name) => (v) => setRaw((r) => ({ ...r, [name]: v }));
  const submit = (e) => {
    e.preventDefault();
    const { values, problems: p } = collect(fields, raw);
    setProblems(p);
    if (!p.length) onSubmit(values);
  };
  const numeric = collect(fields, raw).values;
  return html`<form onSubmit=${submit} class="docform" novalidate>
    ${Object.entries(fields).map(([name, f]) => html`<${Field} key=${name} name=${name} f=${f} value=${raw[name]} set=${set(name)} />`)}
    ${kind === 'vital_signs' && html`<${News2Box} values=${numeric} spo2Scale=${spo2Scale} />`}
    ${problems.length > 0 && html`<div class="error" role="alert"><strong>${t('form.problems')}</strong>
      <ul>${problems.map((p) => html`<li>${p}</li>`)}</ul></div>`}
    <button type="submit">${submitLabel || t('common.save')}</button>
  </form>`;
}
