// news2.js: NEWS2 (Royal College of Physicians, 2017) from one set of vital signs, computed in
// the browser as the nurse types so the score is seen before saving. It mirrors the server's
// scorer (src/alert/news2.c) rule for rule: the same band tables, whole units (tenths of a
// degree) rounded half up, the same accepted ranges, and the episode's SpO2 scale (1, or 2 when
// the physician has prescribed it). tests/data/news2/vectors.json holds the test vectors both
// sides are checked against; the server's alert rules stay the ones that raise alarms.

/* Each chart row: [inclusive upper bound, score], the last bound open. */
const END = Infinity;
const RESP = [[8, 3], [11, 1], [20, 0], [24, 2], [END, 3]];
const SPO2_SCALE1 = [[91, 3], [93, 2], [95, 1], [END, 0]];
/* Scale 2 on air: 88 and above all score 0. */
const SPO2_SCALE2_AIR = [[83, 3], [85, 2], [87, 1], [END, 0]];
/* Scale 2 on oxygen: above the 88-92 target, high saturation scores again. */
const SPO2_SCALE2_OXYGEN = [[83, 3], [85, 2], [87, 1], [92, 0], [94, 1], [96, 2], [END, 3]];
const SBP = [[90, 3], [100, 2], [110, 1], [219, 0], [END, 3]];
const PULSE = [[40, 3], [50, 1], [90, 0], [110, 1], [130, 2], [END, 3]];
const TEMP_TENTHS = [[350, 3], [360, 1], [380, 0], [390, 1], [END, 2]];

/* Accepted ranges: outside them (or not a finite number) a value is not scored. */
const RANGES = { resp_rate: [0, 100], spo2: [0, 100], systolic_bp: [0, 350], pulse: [0, 300], temperature: [20, 45] };
const ACVPU = ['alert', 'confusion', 'new_confusion', 'voice', 'pain', 'unresponsive'];

const band = (rows, v) => rows.find(([upto]) => v <= upto)[1];
/* Half up; the epsilon absorbs binary error (38.05 * 10 is 380.4999...), as the server does. */
const roundHalfUp = (x) => Math.floor(x + 0.5 + 1e-9);

const spo2Rows = (scale, onOxygen) => {
  if (scale !== 2) return SPO2_SCALE1;
  return onOxygen ? SPO2_SCALE2_OXYGEN : SPO2_SCALE2_AIR;
};

/* The parameters NEWS2 needs; a score is "complete" only when all of them are present and valid
 * (the server scores only complete sets). */
export const NEWS2_FIELDS = ['resp_rate', 'spo2', 'on_oxygen', 'systolic_bp', 'pulse', 'consciousness', 'temperature'];

const missing = (v) => v === undefined || v === null || v === '' || (typeof v === 'number' && Number.isNaN(v));

function scoreOf(k, v, values, scale) {
  if (k === 'on_oxygen') return typeof v === 'boolean' ? (v ? 2 : 0) : null;
  if (k === 'consciousness') return ACVPU.includes(v) ? (v === 'alert' ? 0 : 3) : null;
  const [lo, hi] = RANGES[k];
  if (typeof v !== 'number' || !Number.isFinite(v) || v < lo || v > hi) return null;
  if (k === 'temperature') return band(TEMP_TENTHS, roundHalfUp(v * 10));
  const rows = { resp_rate: RESP, spo2: spo2Rows(scale, values.on_oxygen === true), systolic_bp: SBP, pulse: PULSE }[k];
  return band(rows, roundHalfUp(v));
}

/* values: numbers, the ACVPU string and on_oxygen as a boolean, as the API stores them;
 * spo2Scale: the episode's scale (1 unless prescribed 2). Returns {total, parts, complete,
 * invalid, single3, response, risk}: response is the server's name ('routine', 'low',
 * 'low_medium', 'medium', 'high'); risk the same with routine shown as 'low'; invalid lists
 * the parameters present but out of range. */
export function news2(values, spo2Scale = 1) {
  const parts = {};
  const invalid = [];
  let total = 0;
  let single3 = false;
  for (const k of NEWS2_FIELDS) {
    const v = values[k];
    if (missing(v)) continue;
    const s = scoreOf(k, v, values, spo2Scale);
    if (s === null) {
      invalid.push(k);
      continue;
    }
    parts[k] = s;
    total += s;
    if (s === 3) single3 = true;
  }
  const complete = NEWS2_FIELDS.every((k) => k in parts);
  let response = 'routine';
  if (total >= 7) response = 'high';
  else if (total >= 5) response = 'medium';
  else if (single3) response = 'low_medium';
  else if (total >= 1) response = 'low';
  const risk = response === 'routine' ? 'low' : response;
  return { total, parts, complete, invalid, single3, response, risk };
}
