// news2.js: NEWS2 (Royal College of Physicians, 2017) from one set of vital signs, computed in
// the browser as the nurse types so the score is seen before saving. SpO2 scale 1; heime's
// alert rules on the server remain the ones that raise alarms.

const band = (v, rules) => {
  for (const [test, score] of rules) if (test(v)) return score;
  return 0;
};

const scorers = {
  resp_rate: (v) => band(v, [[(x) => x <= 8, 3], [(x) => x <= 11, 1], [(x) => x <= 20, 0], [(x) => x <= 24, 2], [() => true, 3]]),
  spo2: (v) => band(v, [[(x) => x <= 91, 3], [(x) => x <= 93, 2], [(x) => x <= 95, 1], [() => true, 0]]),
  on_oxygen: (v) => (v ? 2 : 0),
  systolic_bp: (v) => band(v, [[(x) => x <= 90, 3], [(x) => x <= 100, 2], [(x) => x <= 110, 1], [(x) => x <= 219, 0], [() => true, 3]]),
  pulse: (v) => band(v, [[(x) => x <= 40, 3], [(x) => x <= 50, 1], [(x) => x <= 90, 0], [(x) => x <= 110, 1], [(x) => x <= 130, 2], [() => true, 3]]),
  consciousness: (v) => (v && v !== 'alert' ? 3 : 0),
  temperature: (v) => {
    const x = Math.round(v * 10) / 10; // the chart's bands are in tenths of a degree
    return band(x, [[(y) => y <= 35.0, 3], [(y) => y <= 36.0, 1], [(y) => y <= 38.0, 0], [(y) => y <= 39.0, 1], [() => true, 2]]);
  },
};

/* The parameters NEWS2 needs; a score is "complete" only when all of them are present. */
export const NEWS2_FIELDS = ['resp_rate', 'spo2', 'systolic_bp', 'pulse', 'consciousness', 'temperature'];

/* values: numbers (or the ACVPU string, on_oxygen boolean). Returns {total, parts, complete,
 * single3, risk} where risk is 'low', 'low_medium', 'medium' or 'high'. */
export function news2(values) {
  const parts = {};
  let total = 0;
  let single3 = false;
  for (const [k, f] of Object.entries(scorers)) {
    const v = values[k];
    if (v === undefined || v === null || v === '' || (typeof v === 'number' && Number.isNaN(v))) continue;
    const s = f(v);
    parts[k] = s;
    total += s;
    if (s === 3) single3 = true;
  }
  const complete = NEWS2_FIELDS.every((k) => k in parts);
  let risk = 'low';
  if (total >= 7) risk = 'high';
  else if (total >= 5) risk = 'medium';
  else if (single3) risk = 'low_medium';
  return { total, parts, complete, single3, risk };
}
