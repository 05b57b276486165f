// lib.mjs: fixtures for the browser tests: a real `heime demo` on a temporary database and free
// loopback ports (stopped at the end), Debian's chromium driven by playwright-core (headless,
// no sandbox, no background networking), login helper, screenshots and an axe check per page.
import { spawn } from 'node:child_process';
import { mkdtempSync, mkdirSync, copyFileSync, existsSync, openSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { testDb } from '../testdb.mjs';
import { AxeBuilder } from '@axe-core/playwright';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const HEIME = process.env.HEIME_BIN || join(ROOT, 'build', 'src', 'cli', 'heime');
/* heime reads pathways/ and serves web/ from its working directory. */
export const HEIME_CWD = process.env.HEIME_CWD || ROOT;
export const CHROMIUM = process.env.CHROMIUM_BIN || '/usr/bin/chromium';
const SHOTS = join(ROOT, 'tests', 'out', 'screenshots');
const DOC_SHOTS = join(ROOT, 'docs', 'screenshots');

export function freePort() {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

export async function startHeime(env = {}) {
  const tmp = mkdtempSync(join(tmpdir(), 'heime-browser-'));
  const port = await freePort();
  const mllp = await freePort();
  const log = openSync(join(tmp, 'heime.log'), 'a');
  const db = testDb(tmp);
  const proc = spawn(HEIME, ['demo', '--db', db, '--http', `127.0.0.1:${port}`,
    '--mllp', `127.0.0.1:${mllp}`], { cwd: HEIME_CWD, stdio: ['ignore', log, log], env: { ...process.env, ...env } });
  const base = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 120000;
  while (Date.now() < deadline) {
    if (proc.exitCode !== null) throw new Error(`heime exited early; see ${tmp}/heime.log`);
    try {
      const r = await fetch(base + '/healthz');
      if (r.ok) return { proc, base, port, mllp, tmp, db, stop: () => stopProc(proc) };
    } catch { /* not up yet */ }
    await new Promise((r) => setTimeout(r, 200));
  }
  stopProc(proc);
  throw new Error('heime did not become healthy');
}

function stopProc(proc) {
  return new Promise((resolve) => {
    if (proc.exitCode !== null) return resolve();
    const t = setTimeout(() => proc.kill('SIGKILL'), 10000);
    proc.once('exit', () => { clearTimeout(t); resolve(); });
    proc.kill('SIGTERM');
  });
}

export async function launch() {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-background-networking', '--disable-component-update',
      '--disable-default-apps', '--disable-sync', '--no-first-run', '--disable-dev-shm-usage'],
  });
}

export const PHONE = { viewport: { width: 390, height: 844 }, deviceScaleFactor: 1, isMobile: true, hasTouch: true };
export const DESKTOP = { viewport: { width: 1280, height: 860 } };

/* A new context and page, logged in as username (the demo password), with errors collected. */
export async function loginAs(browser, base, username, opts = DESKTOP) {
  const ctx = await browser.newContext({ ...opts, baseURL: base, locale: 'nb-NO', timezoneId: 'Europe/Oslo' });
  const page = await ctx.newPage();
  page.errors = [];
  page.on('pageerror', (e) => page.errors.push(String(e)));
  await page.goto('/');
  await page.getByLabel('Brukernavn').fill(username);
  await page.getByLabel('Passord').fill('demo-' + username);
  await page.getByRole('button', { name: 'Logg inn' }).click();
  await page.getByRole('button', { name: 'Logg ut' }).waitFor();
  return page;
}

export async function shot(page, name, { doc = true } = {}) {
  mkdirSync(SHOTS, { recursive: true });
  const file = join(SHOTS, name + '.png');
  await page.screenshot({ path: file, fullPage: true });
  if (doc && process.env.HEIME_DOC_SHOTS === '1') { /* `make shots`: the README's pictures */
    mkdirSync(DOC_SHOTS, { recursive: true });
    copyFileSync(file, join(DOC_SHOTS, name + '.png'));
  }
  return file;
}

/* Runs axe (WCAG 2.0/2.1 A and AA rules) on the page; returns the serious and critical
 * violations, one line each. */
export async function axe(page) {
  const r = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
  return r.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id}: ${v.help} (${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join('; ')})`);
}

export async function apiLogin(base, username) {
  const r = await fetch(base + '/api/v1/auth/login', { method: 'POST', headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ username, password: 'demo-' + username }) });
  return (await r.json()).token;
}

export async function apiCall(base, token, method, path, body) {
  const r = await fetch(base + path, { method, headers: { Authorization: 'Bearer ' + token, 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await r.text();
  return { status: r.status, body: text ? JSON.parse(text) : null };
}

export const haveChromium = () => existsSync(CHROMIUM);

/* The date (YYYY-MM-DD) n days from now in Oslo, as the UI counts days: the UTC date differs
 * from it between midnight in Oslo and midnight UTC. */
export const osloDate = (n = 0) =>
  new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Oslo' }).format(new Date(Date.now() + n * 86400000));
