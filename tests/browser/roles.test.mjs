// roles.test.mjs: runs every flow of roles.mjs in each engine this machine has (Debian's
// chromium through playwright-core, Debian's firefox-esr through puppeteer-core over WebDriver
// BiDi), each engine against its own `heime demo` on a temporary database. An engine that is
// missing is skipped with a message.
import { describe, test, before, after } from 'node:test';
import { startHeime } from './lib.mjs';
import { after as afterAll } from 'node:test';
import { ENGINES, openBrowser } from './driver.mjs';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { flows, boardFigures } from './roles.mjs';
import { ROOT } from './lib.mjs';

const only = process.env.HEIME_ENGINES ? process.env.HEIME_ENGINES.split(',') : null;

for (const engine of ENGINES) {
  const skip = !engine.have ? engine.why : only && !only.includes(engine.kind) ? 'not in HEIME_ENGINES' : false;
  describe(engine.kind, { skip }, () => {
    let heime;
    let browser;
    before(async () => {
      heime = await startHeime();
      browser = await openBrowser(engine.kind);
      console.log(`# ${engine.kind}: ${browser.version}`);
    });
    after(async () => {
      await browser?.close();
      await heime?.stop();
    });
    for (const flow of flows) {
      test(`${engine.kind}: ${flow.name}`, async () => {
        const opened = [];
        const open = async (size) => {
          const ui = await browser.newUi(heime.base, size);
          opened.push(ui);
          return ui;
        };
        try {
          await flow.run(open, heime);
        } finally {
          for (const ui of opened) await ui.close().catch(() => {});
        }
      });
    }
  });
}

afterAll(() => {
  if (!boardFigures.length) return;
  const dir = join(ROOT, 'tests', 'out');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'board.json'), JSON.stringify(boardFigures, null, 2) + '\n');
});
