// routemap.js: the day's routes drawn on a sketch of the zone, for the coordinator checking a
// plan at a glance: the office, each visit's place, and one line per nurse through her visits
// in route order, from the office and back. A sketch, not a map: there are no map tiles, since
// heime runs without internet access and patients' addresses must not go to a tile server.
// Longitude is scaled by the cosine of the latitude, so distances look as they are.
import { html } from '../ui.js';
import { t, fmtTime } from '../i18n.js';

const W = 640, H = 400, PAD = 40;
// Colours told apart also with the commonest colour-vision deficiencies (Okabe and Ito).
const COLOURS = ['#0072B2', '#D55E00', '#009E73', '#CC79A7', '#E69F00', '#56B4E9', '#000000', '#8C564B'];

// The smallest extent drawn, in degrees (a few hundred metres), so one place does not fill it.
const MIN_SPAN = 0.005;

/* A projection of the places into the drawing, centred, or null when there are none. */
function projection(points) {
  if (!points.length) return null;
  const lat0 = points.reduce((s, p) => s + p.lat, 0) / points.length;
  const k = Math.cos((lat0 * Math.PI) / 180);
  const xs = points.map((p) => p.lon * k), ys = points.map((p) => -p.lat);
  const [x0, x1, y0, y1] = [Math.min(...xs), Math.max(...xs), Math.min(...ys), Math.max(...ys)];
  const scale = Math.min((W - 2 * PAD) / Math.max(x1 - x0, MIN_SPAN), (H - 2 * PAD) / Math.max(y1 - y0, MIN_SPAN));
  const cx = (x0 + x1) / 2, cy = (y0 + y1) / 2;
  return (p) => [W / 2 + (p.lon * k - cx) * scale, H / 2 + (-p.lat - cy) * scale].map((v) => Math.round(v * 10) / 10);
}

/* routes: [staff id (0: not on a route), name, tasks in route order]; office: {lat, lon} or null. */
export function RouteMap({ routes, office }) {
  // Where a visit happens: compounding a bag is done at the office, the rest at the patient's.
  const placed = (task) => (task.location === 'office' && office ? { ...task, lat: office.lat, lon: office.lon } : task);
  const withPlace = (list) => list.map(placed).filter((x) => x.lat != null && x.lon != null);
  const all = routes.flatMap(([, , list]) => withPlace(list));
  const at = projection(office ? [...all, office] : all);
  if (!at) return null;
  const planned = routes.filter(([staff, , list]) => staff !== 0 && withPlace(list).length);
  const colour = (i) => COLOURS[i % COLOURS.length];
  const lines = planned.map(([staff, name, list], i) => {
    const stops = withPlace(list).map(at);
    const path = office ? [at(office), ...stops, at(office)] : stops;
    return html`<polyline key=${staff} class="route-line" data-staff=${staff} points=${path.map((p) => p.join(',')).join(' ')}
      fill="none" stroke=${colour(i)} stroke-width="4" stroke-linejoin="round"><title>${t('worklist.route_of', { name })}</title></polyline>`;
  });
  // A nurse's visits at one place (the same patient twice, the office) are one stop, labelled
  // with all their route orders beside it; other nurses' labels there go below.
  const stops = planned.flatMap(([staff, , list], i) => {
    const places = new Map();
    for (const task of withPlace(list)) {
      const key = task.lat + ',' + task.lon;
      if (!places.has(key)) places.set(key, []);
      places.get(key).push(task);
    }
    return [...places.values()].map((here) => {
      const [x, y] = at(here[0]);
      const orders = here.map((task) => task.route_order ?? '').join(', ');
      const what = here.map((task) => `${task.route_order ?? ''}. ${t('kind.' + task.kind)} ${task.planned_start ? fmtTime(task.planned_start) : `${fmtTime(task.window_start)}–${fmtTime(task.window_end)}`}`);
      return html`<g key=${staff + ':' + here[0].id} class="stop"><circle cx=${x} cy=${y} r="9" fill="#fff" stroke=${colour(i)} stroke-width="4" />
        <text x=${x + 14} y=${y + 7 + 22 * (i % 4)} font-size="20" font-weight="600" fill=${colour(i)}>${orders}</text>
        <title>${here[0].patient_name}: ${what.join('; ')}</title></g>`;
    });
  });
  const loose = routes.filter(([staff]) => staff === 0).flatMap(([, , list]) => withPlace(list)).map((task) => {
    const [x, y] = at(task);
    return html`<circle key=${task.id} class="unplanned-stop" cx=${x} cy=${y} r="9" fill="none" stroke="#555" stroke-width="3" stroke-dasharray="4 3"><title>${t('kind.' + task.kind)}, ${task.patient_name}: ${t('worklist.unassigned')}</title></circle>`;
  });
  const [ox, oy] = office ? at(office) : [0, 0];
  const nvisits = planned.reduce((n, [, , list]) => n + list.length, 0);
  return html`<details class="routemap"><summary>${t('worklist.map')}</summary>
    <svg viewBox=${`0 0 ${W} ${H}`} role="img" aria-label=${t('worklist.map_label', { n: planned.length, visits: nvisits })} class="routemap">
      ${lines}${loose}${stops}
      ${office && html`<rect class="office" x=${ox - 11} y=${oy - 11} width="22" height="22" fill="#333"><title>${t('worklist.map_office')}</title></rect>`}
    </svg>
    <ul class="legend">${planned.map(([staff, name], i) => html`<li key=${staff}><span class="swatch" style=${`background:${colour(i)}`}></span>${name}</li>`)}
      ${office && html`<li><span class="swatch office"></span>${t('worklist.map_office')}</li>`}</ul>
  </details>`;
}
