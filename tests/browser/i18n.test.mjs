// i18n.test.mjs: every text key the UI uses exists in both language files (nb.js and en.js),
// and the two files have the same keys. Runs without a browser.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './lib.mjs';

const app = join(ROOT, 'web', 'app');
const nb = (await import(join(app, 'i18n', 'nb.js'))).default;
const en = (await import(join(app, 'i18n', 'en.js'))).default;

test('nb and en have the same keys', () => {
  assert.deepEqual(Object.keys(en).filter((k) => !(k in nb)), []);
  assert.deepEqual(Object.keys(nb).filter((k) => !(k in en)), []);
});

test('every literal key used by the code exists', () => {
  const files = ['main.js', 'ui.js', ...readdirSync(join(app, 'pages')).map((f) => join('pages', f))];
  const missing = [];
  for (const f of files) {
    const src = readFileSync(join(app, f), 'utf8');
    for (const m of src.matchAll(/\bt\('([a-z0-9_.]+)'[,)]/g)) if (!(m[1] in nb)) missing.push(`${f}: ${m[1]}`);
    for (const m of src.matchAll(/\['\/[a-z]*', '([a-z.]+)'\]/g)) if (!(m[1] in nb)) missing.push(`${f}: ${m[1]}`);
  }
  assert.deepEqual(missing, []);
});
