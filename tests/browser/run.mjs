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
const r = spawnSync(process.execPath, ['--test', '--test-concurrency=1', ...files.map((f) => join(dir, f))],
  { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 64 << 20 });
process.stdout.write(r.stdout);
const num = (k) => Number((r.stdout.match(new RegExp(`^# ${k} (\\d+)`, 'm')) || [0, 0])[1]);
const passed = num('pass');
const failed = num('fail') + num('cancelled') + (r.status !== 0 && num('fail') === 0 ? 1 : 0);
console.log(`browser: ${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
