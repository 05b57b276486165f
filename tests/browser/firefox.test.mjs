// firefox.test.mjs: a smoke test in Debian's firefox-esr (headless), driven by puppeteer-core
// over WebDriver BiDi (Playwright cannot drive Debian's Firefox): a municipal nurse logs in and
// the worklist shows the day's tasks. Skipped with a message when firefox-esr is missing.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import puppeteer from 'puppeteer-core';
import { startHeime, shot } from './lib.mjs';

const FIREFOX = process.env.FIREFOX_BIN || '/usr/bin/firefox-esr';
const have = existsSync(FIREFOX);
let heime;
let browser;

before(async () => {
  if (!have) return;
  heime = await startHeime();
  browser = await puppeteer.launch({
    browser: 'firefox',
    executablePath: FIREFOX,
    headless: true,
    /* A fresh profile; no updates, telemetry or other background traffic. */
    userDataDir: mkdtempSync(join(tmpdir(), 'heime-firefox-')),
    extraPrefsFirefox: {
      'app.update.enabled': false,
      'browser.shell.checkDefaultBrowser': false,
      'datareporting.policy.dataSubmissionEnabled': false,
      'toolkit.telemetry.enabled': false,
      'network.captive-portal-service.enabled': false,
      'intl.accept_languages': 'nb-NO, nb',
    },
  });
});

after(async () => {
  await browser?.close();
  await heime?.stop();
});

test('firefox: a nurse logs in and sees the worklist', { skip: have ? false : `${FIREFOX} is missing` }, async () => {
  const page = await browser.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.setViewport({ width: 1280, height: 860 });
  await page.goto(heime.base + '/');
  await page.locator('#username').fill('tromso.sentrum2');
  await page.locator('#password').fill('demo-tromso.sentrum2');
  await page.locator('button[type="submit"]').click();
  await page.waitForFunction(() => [...document.querySelectorAll('h1')].some((h) => h.textContent === 'Dagens arbeidsliste'), { timeout: 20000 });
  await page.waitForSelector('li.task');
  const n = await page.$$eval('li.task', (l) => l.length);
  assert.ok(n > 0, 'tasks on the worklist');
  const ua = await browser.version();
  assert.match(ua, /firefox/i);
  await shot(page, 'worklist-firefox');
  assert.deepEqual(errors, []);
  await page.close();
});
