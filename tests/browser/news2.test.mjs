// news2.test.mjs: the browser's NEWS2 (web/app/news2.js) against the test vectors the server's
// scorer is tested with too (tests/data/news2/vectors.json, read by tests/unit/alert/
// test_news2.c), so both sides give the same score for the same values and SpO2 scale.
// Runs without a browser.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './lib.mjs';

const { news2 } = await import(join(ROOT, 'web', 'app', 'news2.js'));
const { vectors } = JSON.parse(readFileSync(join(ROOT, 'tests', 'data', 'news2', 'vectors.json'), 'utf8'));

test('NEWS2: the shared vectors score as on the server', () => {
  assert.ok(vectors.length > 100);
  const wrong = [];
  for (const v of vectors) {
    const r = news2(v.values, v.spo2_scale);
    if (v.error) {
      if (r.complete) wrong.push(`${v.name}: scored ${r.total}, expected no score`);
    } else if (!r.complete || r.total !== v.total || r.response !== v.response) {
      wrong.push(`${v.name}: ${r.total} ${r.response}${r.complete ? '' : ' (incomplete)'}, expected ${v.total} ${v.response}`);
    }
  }
  assert.deepEqual(wrong, []);
});

test('NEWS2: incomplete sets, scale 2 only when given, risk words', () => {
  const normal = { resp_rate: 16, spo2: 97, on_oxygen: false, systolic_bp: 120, pulse: 70, consciousness: 'alert', temperature: 37 };
  assert.equal(news2({ temperature: 37 }).complete, false);
  assert.equal(news2({ ...normal, on_oxygen: undefined }).complete, false, 'the server scores only with on_oxygen');
  assert.deepEqual(news2({ ...normal, spo2: 101 }).invalid, ['spo2']);
  // 97 % on oxygen: 2 (oxygen) on scale 1, 2 + 3 on scale 2.
  assert.equal(news2({ ...normal, on_oxygen: true }).total, 2);
  assert.equal(news2({ ...normal, on_oxygen: true }, 2).total, 5);
  assert.equal(news2(normal).response, 'routine');
  assert.equal(news2(normal).risk, 'low');
  assert.equal(news2({ ...normal, consciousness: 'voice' }).risk, 'low_medium');
});
