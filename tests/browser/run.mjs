// run.mjs: runs the browser tests (node --test on tests/browser/*.test.mjs, one at a time) and
// ends with "browser: N passed, N failed", which scripts/check.sh reads. Without chromium the
// chromium-only flows are skipped with a message (roles.test.mjs skips each missing engine by
// itself); the i18n and NEWS2 tests always run.
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { haveChromium, CHROMIUM } from './lib.mjs';

const dir = dirname(fileURLToPath(import.meta.url));
let files = readdirSync(dir).filter((f) => f.endsWith('.test.mjs')).sort();
if (!haveChromium()) {
  console.log(`browser: ${CHROMIUM} is missing (scripts/install-deps.sh installs it); only the tests without a browser run`);
  files = files.filter((f) => !f.startsWith('flows'));
}
const run = (extra) => spawnSync(process.execPath, ['--test', '--test-concurrency=1', ...extra, ...files.map((f) => join(dir, f))],
  { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 64 << 20 });
const r = run([]);
process.stdout.write(r.stdout);
const num = (out, k) => Number((out.match(new RegExp(`^# ${k} (\\d+)`, 'm')) || [0, 0])[1]);

/* The flows that failed themselves (not the suites that failed because a flow in them did):
 * "not ok N - name" followed by a YAML block whose failureType is not subtestsFailed. */
function failedFlows(out) {
  const names = [];
  const re = /^\s*not ok \d+ - (.+?)\s*(?:#.*)?\n(?:\s*---\n)?([\s\S]*?)\n\s*\.\.\./gm;
  for (const m of out.matchAll(re)) if (!/failureType: 'subtestsFailed'/.test(m[2])) names.push(m[1]);
  return names;
}

/* A flow that fails is run once more on its own. One that passes then is reported as flaky
 * (by name, so it is seen and mended) and counted as passed: a browser flow on a loaded 2-core
 * machine can lose a race with its own page once in hundreds of runs, while a real defect
 * fails both times. */
let passed = num(r.stdout, 'pass');
let failed = num(r.stdout, 'fail') + num(r.stdout, 'cancelled') + (r.status !== 0 && num(r.stdout, 'fail') === 0 ? 1 : 0);
const again = failedFlows(r.stdout);
if (again.length && again.length === num(r.stdout, 'fail') && again.length <= 3) {
  const esc = (t) => t.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const r2 = run(again.map((n) => `--test-name-pattern=^${esc(n)}$`));
  for (const name of again) {
    const ok = new RegExp(`^\\s*ok \\d+ - ${esc(name)}\\s*$`, 'm').test(r2.stdout);
    console.log(`browser: ${ok ? 'flaky (failed, then passed when run again)' : 'failed again'}: ${name}`);
    if (ok) {
      passed++;
      failed--;
    }
  }
}
console.log(`browser: ${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
