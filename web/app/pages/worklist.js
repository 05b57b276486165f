// worklist.js: the municipal nurse's day: the zone's tasks for a date, grouped per nurse in
// route order when a plan exists, each with its time window and what to bring, and each nurse's
// shift from the zone's roster (who is on duty when); "plan the routes" (municipal nurses and
// super-users: the planner, from now when the day has begun; on a planned day, "fit in the new
// visits", which keeps everyone else's nurse and time); and the task page: "start the visit" (it is
// then under way, which a re-plan of the day respects), the documentation form, or "not done,
// because ...".
import { useState } from 'preact/hooks';
import { html, Link, useLoad, Loading, ErrorBox, Ok, navigate, route } from '../ui.js';

const PLANNERS = new Set(['municipal_nurse', 'super_user']);
import { t, tl, fmtTime, fmtDateTime, todayOslo } from '../i18n.js';
import { get, post, put, del } from '../api.js';
import { taskTemplate, orgs } from '../data.js';
import { RouteMap } from './routemap.js';
import { groups } from '../routes.js';
import { DocForm } from './docform.js';

const query = () => new URLSearchParams(route.value.split('?')[1] || '');

/* The roster's shifts of the day per staff id; empty when the organisation has no roster (the
 * worklist of a hospital ward, or a zone not rostered that day). */
async function shiftsOf(org, date) {
  try {
    const r = await get(`/api/v1/orgs/${org}/roster?from=${date}&to=${date}`);
    const by = new Map();
    for (const s of r.shifts) {
      if (!by.has(s.staff_id)) by.set(s.staff_id, []);
      by.get(s.staff_id).push(s);
    }
    return by;
  } catch {
    return new Map();
  }
}

const shiftText = (s) => `${s.start}–${s.end}` + (s.break_minutes ? ` (${t('worklist.break', { n: s.break_minutes })})` : '');

function OnDuty({ shifts }) {
  if (!shifts.size) return html`<p class="hint">${t('worklist.no_roster')}</p>`;
  const rows = [...shifts.values()].flat().sort((a, b) => a.start.localeCompare(b.start) || a.staff.localeCompare(b.staff));
  return html`<section aria-labelledby="duty-h" class="duty"><h2 id="duty-h">${t('worklist.on_duty')}</h2>
    <ul class="duty">${rows.map((s) => html`<li key=${s.id}><strong>${s.staff}</strong> <span class="shift">${shiftText(s)}</span></li>`)}</ul></section>`;
}

function TaskRow({ task, date, org }) {
  const stateCls = 'state state-' + task.state;
  return html`<li class=${'task prio-' + task.priority}>
    <div class="when">${fmtTime(task.window_start)}–${fmtTime(task.window_end)}
      ${task.planned_start && task.state === 'planned' && html`<div class="planned">${t('worklist.planned_at', { time: fmtTime(task.planned_start) })}</div>`}</div>
    <div class="what">
      ${task.route_order != null && html`<span class="order" aria-label=${t('worklist.stop')}>${task.route_order}</span>`}
      <${Link} href=${`/tasks/${task.id}?date=${date}&org=${org}`}>${t('kind.' + task.kind)}</${Link}>
      <span class=${stateCls}>${t('state.' + task.state)}</span>
      ${task.state === 'planned' && task.started_at && html` <span class="state state-under-way">${t('state.under_way')}</span>`}
      ${task.state === 'planned' && task.locked && html` <span class="hint">${t('task.locked')}</span>`}
      ${task.nurses === 2 && html` <span class="hint together">${task.with_name ? t('worklist.together_with', { name: task.with_name }) : t('worklist.two_nurses')}</span>`}
      ${task.done_by_name && task.state !== 'planned' && html`<span class="hint"> ${t('worklist.by', { name: task.done_by_name })}</span>`}
      <div class="patient"><${Link} href=${'/patients/' + task.patient_id}>${task.patient_name}</${Link}> · ${task.address}</div>
      <div class="bring">${t('worklist.bring')}: ${t('bring.' + task.kind)}</div>
      ${unplanned(task) && html`<div class="hint">${t('worklist.unplanned', { why: unplanned(task) })}</div>`}
    </div>
  </li>`;
}

/* What a plan made of the day: how many visits on how many routes, and what could not be
 * planned, with the planner's reason. */
function PlanResult({ report }) {
  const visits = report.routes.reduce((n, r) => n + r.visits.length, 0);
  const nurses = report.routes.filter((r) => r.visits.length).length;
  return html`<div class="ok" role="status">
    <p>${t('worklist.planned', { n: visits, nurses, travel: Math.round(report.summary?.travel_minutes || 0) })}${report.as_of ? ' ' + t('worklist.planned_from', { time: report.as_of }) : ''}${report.kept ? ' ' + t('worklist.kept', { n: report.kept.visits, minutes: report.kept.minutes }) : ''}
      ${' '}${travelText(report.travel)}</p>
    ${report.unserved.length > 0 && html`<p>${t('worklist.not_planned', { n: report.unserved.length })}</p>
      <ul>${report.unserved.map((u) => html`<li key=${u.task_id}>${t('kind.' + u.kind)}, ${u.patient}: ${whyText(u)}</li>`)}</ul>`}
  </div>`;
}

/* When the day was last planned, by whom (or automatically, by the evening's schedule), and
 * with what result (GET /api/v1/orgs/{id}/plans): a coordinator arriving in the morning sees
 * whether the routes are there and how they went. */
function LastPlan({ run }) {
  const who = run.made_by_name || (run.automatic ? t('worklist.by_schedule') : t('worklist.by_system'));
  return html`<p class="hint last-plan">${t('worklist.last_plan', { when: fmtDateTime(run.made_at), who, n: run.visits, nurses: run.nurses, travel: Math.round(run.travel_minutes) })}${run.unserved ? ' ' + t('worklist.last_plan_unserved', { n: run.unserved }) : ''}</p>`;
}

/* Where the plan's travel times came from: the road network, or estimates from coordinates
 * (with the server's reason when a road service was configured but not used). */
function travelText(travel) {
  if (!travel) return '';
  if (travel.source === 'road') return t('worklist.travel_road');
  return travel.note ? t('worklist.travel_estimated_because', { why: travel.note }) : t('worklist.travel_estimated');
}

/* Why the day's last plan left a visit without a nurse, in the user's language ('' when it did
 * not); the window is on the row already, so "off duty" needs no times. */
function unplanned(task) {
  if (task.state !== 'planned' || !task.unplanned_reason || (task.assigned_staff_id != null && !task.locked)) return '';
  const windowed = task.unplanned_reason === 'off_duty' || task.unplanned_reason === 'locked_off_duty';
  return whyText({ reason: task.unplanned_reason + (windowed ? '_window' : ''), why: task.unplanned_reason });
}

/* The planner's reason in the user's language; its English sentence for a code this page
 * does not know (a newer server). */
function whyText(u) {
  const key = 'plan.why.' + u.reason;
  const s = t(key, u);
  return s === key ? u.why : s;
}

export function Worklist({ me }) {
  const q = query();
  const [date, setDate] = useState(q.get('date') || todayOslo());
  const org = +(q.get('org') || me.org_id);
  const st = useLoad(() => get(`/api/v1/orgs/${org}/tasks?date=${date}`), [org, date]);
  const roster = useLoad(() => shiftsOf(org, date), [org, date]);
  const plans = useLoad(() => get(`/api/v1/orgs/${org}/plans?date=${date}`).catch(() => null), [org, date]);
  const zone = useLoad(async () => (await orgs().catch(() => [])).find((o) => o.id === org) || null, [org]);
  const shifts = roster.data || new Map();
  const change = (d) => {
    setDate(d);
    history.replaceState(null, '', `/worklist?date=${d}&org=${org}`);
  };
  const tasks = st.data || [];
  const open = tasks.filter((x) => x.state === 'planned').length;
  /* Visits a plan has not looked at on a day that has routes (added after its plan, or given a
   * nurse by hand): "fit them in" plans only them, keeping the routes. */
  const routed = tasks.some((x) => x.route_order != null);
  const late = tasks.filter((x) => x.state === 'planned' && x.route_order == null && !x.unplanned_reason
    && !x.started_at && new Date(x.window_end) > Date.now());
  const [plan, setPlan] = useState({ busy: false, report: null, error: null });
  const makePlan = async (keep) => {
    setPlan({ busy: true, report: null, error: null });
    try {
      const report = await post(`/api/v1/orgs/${org}/plan`, keep ? { date, keep_routes: true } : { date });
      setPlan({ busy: false, report, error: null });
      st.reload();
      plans.reload();
    } catch (e) {
      setPlan({ busy: false, report: null, error: e });
    }
  };
  return html`<main id="main" class="narrow">
    <h1>${t('worklist.title')}</h1>
    <div class="toolbar">
      <label for="wl-date">${t('worklist.date')}</label>
      <input id="wl-date" type="date" value=${date} onChange=${(e) => e.target.value && change(e.target.value)} />
      <button type="button" class="secondary" onClick=${() => change(todayOslo())}>${t('worklist.today')}</button>
      <button type="button" class="secondary" onClick=${st.reload}>${t('common.refresh')}</button>
      ${PLANNERS.has(me.role) && html`<button type="button" onClick=${() => makePlan(false)} disabled=${plan.busy}>${plan.busy ? t('worklist.planning') : t('worklist.plan')}</button>`}
    </div>
    ${PLANNERS.has(me.role) && routed && late.length > 0 && !plan.busy && html`<p class="hint late-visits">${t('worklist.late', { n: late.length })}
      ${' '}<button type="button" class="secondary" onClick=${() => makePlan(true)}>${t('worklist.fit_in')}</button></p>`}
    ${plan.report ? html`<${PlanResult} report=${plan.report} />` : plans.data?.plans?.length > 0 && html`<${LastPlan} run=${plans.data.plans[0]} />`}
    <${ErrorBox} error=${plan.error} />
    <${Loading} state=${st} />
    ${st.data && html`<p>${t('worklist.summary', { n: tasks.length, open })}</p>`}
    ${st.data && tasks.length === 0 && html`<p>${t('worklist.empty')}</p>`}
    ${roster.data && html`<${OnDuty} shifts=${shifts} />`}
    ${tasks.some((x) => x.route_order != null) && html`<${RouteMap} routes=${groups(tasks)} office=${zone.data?.lat != null ? zone.data : null} />`}
    ${groups(tasks).map(([staff, name, list]) => html`<section class="route" aria-label=${staff ? t('worklist.route_of', { name }) : t('worklist.unassigned')}>
      <h2>${staff ? t('worklist.route_of', { name }) : t('worklist.unassigned')}${staff ? html` <span class="hint">${t('worklist.visits', { n: list.length })}</span>` : ''}</h2>
      ${staff !== 0 && html`<p class="shift">${shifts.has(staff) ? t('worklist.shift', { times: shifts.get(staff).map(shiftText).join(', ') }) : t('worklist.no_shift')}</p>`}
      <ol class="tasks">${list.map((task) => html`<${TaskRow} key=${task.id} task=${task} date=${date} org=${org} />`)}</ol>
    </section>`)}
  </main>`;
}

/* The coordinator's own choice of nurse among those on duty that day (from the roster; on a day
 * without one, everyone of the zone works the default day, and a super-user's staff list names
 * them); locked, every later plan keeps it (PUT /api/v1/tasks/{id}/assignment). */
function AssignForm({ task, org, date, onSaved }) {
  const roster = useLoad(async () => {
    const r = await get(`/api/v1/orgs/${org}/roster?from=${date}&to=${date}`);
    if (r.shifts.length > 0) return r;
    const staff = await get('/api/v1/staff').catch(() => []);
    return { shifts: staff.filter((s) => s.org_id === org && s.active && ['municipal_nurse', 'super_user'].includes(s.role))
      .map((s) => ({ staff_id: s.id, staff: s.name })) };
  }, [org, date]);
  const [staff, setStaff] = useState(task.assigned_staff_id != null ? String(task.assigned_staff_id) : '');
  const [locked, setLocked] = useState(!!task.locked);
  const [error, setError] = useState(null);
  const nurses = new Map((roster.data?.shifts || []).map((s) => [s.staff_id, s.staff]));
  if (task.assigned_staff_id != null && !nurses.has(task.assigned_staff_id)) nurses.set(task.assigned_staff_id, task.assigned_staff);
  const save = async (e) => {
    e.preventDefault();
    setError(null);
    try {
      await put(`/api/v1/tasks/${task.id}/assignment`, { staff_id: staff ? +staff : null, locked: !!staff && locked });
      onSaved(t('task.assign_saved'));
    } catch (err) {
      setError(err);
    }
  };
  return html`<section aria-labelledby="as-h"><h2 id="as-h">${t('task.assign')}</h2>
    <form onSubmit=${save}>
      <label for="as-nurse">${t('task.nurse')}</label>
      <select id="as-nurse" value=${staff} onChange=${(e) => setStaff(e.target.value)}>
        <option value="">${t('task.no_nurse')}</option>
        ${[...nurses].map(([sid, name]) => html`<option key=${sid} value=${String(sid)}>${name}</option>`)}
      </select>
      <label class="check"><input type="checkbox" checked=${locked && !!staff} disabled=${!staff} onChange=${(e) => setLocked(e.target.checked)} /> ${t('task.lock')}</label>
      <p class="hint">${t('task.lock_hint')}</p>
      <${ErrorBox} error=${error} />
      <button type="submit" class="secondary">${t('task.assign_save')}</button>
    </form></section>`;
}

export function TaskPage({ me, id }) {
  const q = query();
  const date = q.get('date') || todayOslo();
  const org = +(q.get('org') || me.org_id);
  const [done, setDone] = useState(null);
  const [error, setError] = useState(null);
  const [reason, setReason] = useState('');
  const st = useLoad(async () => {
    const list = await get(`/api/v1/orgs/${org}/tasks?date=${date}`);
    const task = list.find((x) => x.id === id);
    if (!task) return { task: null };
    /* Vital signs are scored on the episode's SpO2 scale, as the server does. */
    const eps = task.kind === 'vital_signs' ? await get(`/api/v1/patients/${task.patient_id}/episodes`) : [];
    const spo2Scale = eps.find((e) => e.id === task.episode_id)?.spo2_scale || 1;
    return { task, tpl: await taskTemplate(task.kind), spo2Scale };
  }, [id, org, date]);
  const back = `/worklist?date=${date}&org=${org}`;
  const finish = async (path, body, msg, method = post) => {
    setError(null);
    try {
      await method(path, body);
      setDone(msg);
      st.reload();
    } catch (e) {
      setError(e);
    }
  };
  const task = st.data?.task;
  const fields = st.data?.tpl?.documentation?.fields || {};
  return html`<main id="main" class="narrow">
    <p><${Link} href=${back}>← ${t('worklist.back')}</${Link}></p>
    <${Loading} state=${st} />
    ${st.data && !task && html`<p class="error" role="alert">${t('task.not_found')}</p>`}
    ${task && html`<h1>${t('kind.' + task.kind)}</h1>
      <dl class="facts">
        <dt>${t('task.patient')}</dt><dd><${Link} href=${'/patients/' + task.patient_id}>${task.patient_name}</${Link}></dd>
        <dt>${t('task.address')}</dt><dd>${task.address}</dd>
        <dt>${t('task.window')}</dt><dd>${fmtTime(task.window_start)}–${fmtTime(task.window_end)}</dd>
        ${task.planned_start && html`<dt>${t('task.planned')}</dt><dd>${fmtTime(task.planned_start)}</dd>`}
        <dt>${t('task.bring')}</dt><dd>${t('bring.' + task.kind)}</dd>
        <dt>${t('task.state')}</dt><dd><span class=${'state state-' + task.state}>${t('state.' + task.state)}</span></dd>
        ${task.assigned_staff && html`<dt>${t('task.nurse')}</dt><dd>${task.assigned_staff}${task.route_order != null ? ` (${t('worklist.stop')} ${task.route_order})` : ''}${task.locked ? ` · ${t('task.locked')}` : ''}</dd>`}
        ${task.started_at && html`<dt>${t('task.started')}</dt><dd>${task.started_by_name || ''}, ${fmtDateTime(task.started_at)}</dd>`}
        ${task.done_by_name && html`<dt>${t('task.done_by')}</dt><dd>${task.done_by_name}${task.done_at ? `, ${fmtDateTime(task.done_at)}` : ''}</dd>`}
        ${task.reason && html`<dt>${t('task.reason')}</dt><dd>${task.reason}</dd>`}
        ${unplanned(task) && html`<dt>${t('task.unplanned')}</dt><dd>${unplanned(task)}</dd>`}
      </dl>
      <${Ok} text=${done} />
      <${ErrorBox} error=${error} />
      ${task.state === 'planned' && !task.started_at && html`
        <p><button type="button" class="secondary" onClick=${() => finish(`/api/v1/tasks/${id}/start`, undefined, t('task.saved_started'))}>${t('task.start')}</button>
          <span class="hint"> ${t('task.start_hint')}</span></p>`}
      ${task.state === 'planned' && task.started_at && html`
        <p><button type="button" class="secondary" onClick=${() => finish(`/api/v1/tasks/${id}/start`, undefined, t('task.saved_unstarted'), del)}>${t('task.unstart')}</button></p>`}
      ${task.state === 'planned' && !task.started_at && PLANNERS.has(me.role) && html`
        <${AssignForm} task=${task} org=${org} date=${date} onSaved=${(msg) => { setDone(msg); st.reload(); }} />`}
      ${task.state === 'planned' && html`
        <section aria-labelledby="doc-h"><h2 id="doc-h">${t('task.document')}</h2>
          <p class="hint">${tl(st.data.tpl?.label)}</p>
          <${DocForm} fields=${fields} kind=${task.kind} spo2Scale=${st.data.spo2Scale} submitLabel=${t('task.mark_done')}
            onSubmit=${(values) => finish(`/api/v1/tasks/${id}/done`, { documentation: values }, t('task.saved_done'))} />
        </section>
        <section aria-labelledby="nd-h"><h2 id="nd-h">${t('task.not_done')}</h2>
          <form onSubmit=${(e) => { e.preventDefault(); finish(`/api/v1/tasks/${id}/not-done`, { reason }, t('task.saved_not_done')); }}>
            <label for="nd-reason">${t('task.because')}</label>
            <textarea id="nd-reason" rows="2" maxlength="1000" value=${reason} onInput=${(e) => setReason(e.target.value)}></textarea>
            <button type="submit" class="secondary">${t('task.mark_not_done')}</button>
          </form>
        </section>`}
      ${task.state === 'done' && task.documentation && html`<h2>${t('task.documentation')}</h2>
        <pre class="doc">${JSON.stringify(task.documentation, null, 2)}</pre>`}
      ${done && html`<button type="button" onClick=${() => navigate(back)}>${t('worklist.back')}</button>`}`}
  </main>`;
}
