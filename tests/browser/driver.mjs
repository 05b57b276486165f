// driver.mjs: one small page API over two engines, so that each role's flow is written once and
// runs in Debian's chromium (playwright-core) and Debian's firefox-esr (puppeteer-core over
// WebDriver BiDi). Elements are found the way a user finds them: by role and accessible name
// (Playwright's getByRole / puppeteer's ::-p-aria, both read the browser's accessibility tree),
// by label, or by CSS with a text filter. Everything else (waiting for a condition, axe, layout
// checks on a phone, the keyboard) runs as page.evaluate / page.keyboard, which both engines
// share. Waits poll with one timeout (HEIME_UI_TIMEOUT ms, default 30000: a loaded
// 2-core machine once took longer than 15 s for a Firefox step that passes in 1 s when idle).
import { readFileSync, existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import { chromium } from 'playwright-core';
import puppeteer from 'puppeteer-core';
import { CHROMIUM, shot } from './lib.mjs';

export const FIREFOX = process.env.FIREFOX_BIN || '/usr/bin/firefox-esr';
const TIMEOUT = Number(process.env.HEIME_UI_TIMEOUT || 30000);
const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/* The engines this machine has: [{kind, have, why}]. */
export const ENGINES = [
  { kind: 'chromium', have: existsSync(CHROMIUM), why: `${CHROMIUM} is missing` },
  { kind: 'firefox', have: existsSync(FIREFOX), why: `${FIREFOX} is missing` },
];

export const PHONE = { width: 375, height: 667 };
export const DESKTOP = { width: 1280, height: 860 };

/* A label exactly, perhaps followed by the required-field mark (hidden from the accessible
 * name, but part of the label's text, which is what Playwright's getByLabel matches). */
const labelRe = (label) => new RegExp(`^\\s*${label.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(\\s*\\*)?\\s*$`);

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/* Polls fn() until it returns something truthy; throws `what` after the timeout. */
export async function until(fn, what, timeout = TIMEOUT) {
  const deadline = Date.now() + timeout;
  let last;
  for (;;) {
    try {
      last = await fn();
      if (last) return last;
    } catch (e) {
      last = e;
    }
    if (Date.now() > deadline) throw new Error(`timed out after ${timeout} ms waiting for ${what}${last instanceof Error ? `: ${last.message}` : ''}`);
    await sleep(100);
  }
}

export async function openBrowser(kind) {
  if (kind === 'chromium') {
    const b = await chromium.launch({
      executablePath: CHROMIUM, headless: true,
      args: ['--no-sandbox', '--disable-background-networking', '--disable-component-update',
        '--disable-default-apps', '--disable-sync', '--no-first-run', '--disable-dev-shm-usage'],
    });
    return {
      kind,
      version: b.version(),
      async newUi(base, size = DESKTOP) {
        const ctx = await b.newContext({ viewport: size, deviceScaleFactor: 1, baseURL: base, locale: 'nb-NO',
          timezoneId: 'Europe/Oslo', ...(size.width < 600 ? { isMobile: true, hasTouch: true } : {}) });
        return new Ui(kind, await ctx.newPage(), base, () => ctx.close());
      },
      close: () => b.close(),
    };
  }
  const b = await puppeteer.launch({
    browser: 'firefox', executablePath: FIREFOX, headless: true,
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
  return {
    kind,
    version: await b.version(),
    async newUi(base, size = DESKTOP) {
      const ctx = await b.createBrowserContext();
      const page = await ctx.newPage();
      await page.setViewport({ ...size, deviceScaleFactor: 1 });
      return new Ui(kind, page, base, () => ctx.close());
    },
    close: () => b.close(),
  };
}

/* A thing on the page: role + name, label, or CSS (+ text filter), optionally inside another. */
class Target {
  constructor(ui, spec) {
    this.ui = ui;
    this.spec = spec;
  }

  /* The Playwright locator (chromium). */
  pw() {
    const { role, name, label, css, hasText, within, nth } = this.spec;
    const root = within ? within.pw() : this.ui.page;
    let l;
    if (role) l = root.getByRole(role, name === undefined ? {} : { name, exact: true });
    else if (label) l = root.getByLabel(labelRe(label));
    else l = root.locator(css);
    if (hasText !== undefined) l = l.filter({ hasText });
    return nth === -1 ? l.last() : l.nth(nth || 0);
  }

  /* All matching element handles (firefox): the selector, then the text filter; visible only. */
  async pp() {
    const { role, name, label, css, hasText, within } = this.spec;
    const root = within ? await within.handle() : this.ui.page;
    let sel = css;
    if (role) sel = `::-p-aria(${name === undefined ? '' : `[name=${JSON.stringify(name)}]`}[role="${role}"])`;
    else if (label) sel = `::-p-aria([name=${JSON.stringify(label)}])`;
    const all = await root.$$(sel);
    const keep = [];
    for (const h of all) {
      const ok = await h.evaluate((el, t) => {
        const box = el.getBoundingClientRect();
        const visible = box.width > 0 || box.height > 0 || el.getClientRects().length > 0;
        const text = el.innerText ?? el.textContent ?? '';
        const match = t === undefined || (t.re ? new RegExp(t.re, t.flags).test(text) : text.includes(t.s));
        return visible && match;
      }, hasText === undefined ? undefined : hasText instanceof RegExp ? { re: hasText.source, flags: hasText.flags } : { s: hasText });
      if (ok && label && !(await h.evaluate((el) => ['INPUT', 'SELECT', 'TEXTAREA'].includes(el.tagName)))) continue;
      if (ok) keep.push(h);
    }
    return keep;
  }

  async handle() {
    const { nth } = this.spec;
    return until(async () => {
      const hs = await this.pp();
      return nth === -1 ? hs[hs.length - 1] : hs[nth || 0];
    }, this.describe());
  }

  describe() {
    const { role, name, label, css, hasText } = this.spec;
    return (role ? `${role} "${name}"` : label ? `field "${label}"` : css) + (hasText !== undefined ? ` with text ${hasText}` : '');
  }

  first() { return new Target(this.ui, { ...this.spec, nth: 0 }); }
  last() { return new Target(this.ui, { ...this.spec, nth: -1 }); }
  nth(n) { return new Target(this.ui, { ...this.spec, nth: n }); }
  filter(hasText) { return new Target(this.ui, { ...this.spec, hasText }); }
  role(role, name) { return new Target(this.ui, { role, name, within: this }); }
  label(label) { return new Target(this.ui, { label, within: this }); }
  css(css, hasText) { return new Target(this.ui, { css, hasText, within: this }); }

  async waitFor(state = 'visible') {
    if (this.ui.kind === 'chromium') return this.pw().waitFor({ state, timeout: TIMEOUT });
    if (state === 'detached' || state === 'hidden') return until(async () => (await this.pp()).length === 0, `${this.describe()} to go`);
    return this.handle();
  }

  async count() {
    if (this.ui.kind === 'chromium') {
      const { nth, ...rest } = this.spec; // count every match
      return new Target(this.ui, rest).pwAll().count();
    }
    return (await this.pp()).length;
  }

  pwAll() {
    const { role, name, label, css, hasText, within } = this.spec;
    const root = within ? within.pw() : this.ui.page;
    let l = role ? root.getByRole(role, name === undefined ? {} : { name, exact: true })
      : label ? root.getByLabel(labelRe(label)) : root.locator(css);
    if (hasText !== undefined) l = l.filter({ hasText });
    return l;
  }

  async click() {
    if (this.ui.kind === 'chromium') return this.pw().click({ timeout: TIMEOUT });
    return (await this.handle()).click();
  }

  /* Replaces the field's value the way a user does: select everything, then type. */
  async fill(value) {
    if (this.ui.kind === 'chromium') return this.pw().fill(String(value), { timeout: TIMEOUT });
    const h = await this.handle();
    /* Date and time fields take typed digits in the locale's order; set them as the value
     * (yyyy-mm-dd, hh:mm), with the events a user's change fires, as Playwright's fill does. */
    if (await h.evaluate((el) => ['date', 'time'].includes(el.type))) {
      return h.evaluate((el, v) => {
        el.focus();
        Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value').set.call(el, v);
        el.dispatchEvent(new Event('input', { bubbles: true }));
        el.dispatchEvent(new Event('change', { bubbles: true }));
      }, String(value));
    }
    await h.evaluate((el) => { el.focus(); el.select?.(); });
    if (String(value) === '') await this.ui.page.keyboard.press('Backspace');
    else await this.ui.page.keyboard.type(String(value));
  }

  async select(value) {
    if (this.ui.kind === 'chromium') return this.pw().selectOption(value, { timeout: TIMEOUT });
    return (await this.handle()).select(value);
  }

  async check() {
    if (this.ui.kind === 'chromium') return this.pw().check({ timeout: TIMEOUT });
    const h = await this.handle();
    if (!(await h.evaluate((el) => el.checked))) await h.click();
  }

  async text() {
    if (this.ui.kind === 'chromium') return this.pw().innerText({ timeout: TIMEOUT });
    return (await this.handle()).evaluate((el) => el.innerText);
  }

  async texts() {
    if (this.ui.kind === 'chromium') return this.pwAll().allInnerTexts();
    return Promise.all((await this.pp()).map((h) => h.evaluate((el) => el.innerText)));
  }

  /* textContent of every match: also for SVG text, which has no innerText. */
  async textContents() {
    if (this.ui.kind === 'chromium') return this.pwAll().evaluateAll((els) => els.map((el) => el.textContent));
    return Promise.all((await this.pp()).map((h) => h.evaluate((el) => el.textContent)));
  }

  async attr(name) {
    if (this.ui.kind === 'chromium') return this.pw().getAttribute(name, { timeout: TIMEOUT });
    return (await this.handle()).evaluate((el, n) => el.getAttribute(n), name);
  }

  async focus() {
    if (this.ui.kind === 'chromium') return this.pw().focus({ timeout: TIMEOUT });
    return (await this.handle()).evaluate((el) => el.focus());
  }
}

export class Ui {
  constructor(kind, page, base, close) {
    this.kind = kind;
    this.page = page;
    this.base = base;
    this.close = close;
    this.errors = [];
    page.on('pageerror', (e) => this.errors.push(String(e)));
  }

  role(role, name) { return new Target(this, { role, name }); }
  label(label) { return new Target(this, { label }); }
  css(css, hasText) { return new Target(this, { css, hasText }); }
  button(name) { return this.role('button', name); }
  link(name) { return this.role('link', name); }
  heading(name) { return this.role('heading', name); }
  alert(hasText) { return this.css('[role="alert"]', hasText); }
  status(hasText) { return this.css('[role="status"]', hasText); }

  goto(path) { return this.page.goto(this.base + path); }
  reload() { return this.page.reload(); }
  evaluate(fn, arg) { return this.page.evaluate(fn, arg); }
  press(key) { return this.page.keyboard.press(key); }
  type(text) { return this.page.keyboard.type(text); }

  /* Waits until the page's text contains text. */
  see(text) {
    return until(() => this.page.evaluate((t) => document.body.innerText.includes(t), text), `text "${text}"`);
  }

  /* Waits until fn(arg) is truthy in the page. */
  waitFn(fn, arg, what = 'a condition', timeout = TIMEOUT) {
    return until(() => this.page.evaluate(fn, arg), what, timeout);
  }

  async login(username) {
    await this.goto('/');
    await this.label('Brukernavn').fill(username);
    await this.label('Passord').fill('demo-' + username);
    await this.button('Logg inn').click();
    await this.button('Logg ut').waitFor();
  }

  lang() { return this.page.evaluate(() => document.documentElement.lang); }

  /* Switches the UI language with its button and waits for the page to follow. */
  async setLang(lang) {
    if ((await this.lang()) === lang) return;
    await this.button(lang === 'en' ? 'Switch to English' : 'Bytt til norsk').click();
    await this.waitFn((l) => document.documentElement.lang === l, lang, `lang ${lang}`);
  }

  /* axe-core (WCAG 2.0/2.1 A and AA rules) in the page: serious and critical violations, one
   * line each. Injected as a script, so both engines run the same checker. */
  async axe() {
    const has = await this.page.evaluate(() => typeof window.axe === 'object');
    if (!has) await this.page.evaluate(AXE_SOURCE);
    return this.page.evaluate(async () => {
      const r = await window.axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } });
      return r.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical')
        .map((v) => `${v.id}: ${v.help} (${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join('; ')})`);
    });
  }

  /* What does not fit a phone: the page scrolls sideways, or a control (link, button, field)
   * lies partly outside the viewport's width or has no size. One line each. */
  layoutProblems() {
    return this.page.evaluate(() => {
      const out = [];
      const w = document.documentElement.clientWidth;
      if (document.documentElement.scrollWidth > w + 1) out.push(`page is ${document.documentElement.scrollWidth}px wide in a ${w}px viewport`);
      const name = (el) => `${el.tagName.toLowerCase()}${el.id ? '#' + el.id : ''} "${(el.innerText || el.value || el.getAttribute('aria-label') || '').trim().slice(0, 30)}"`;
      /* Inside a box that scrolls sideways on purpose (a wide table), a control is reachable
       * by scrolling that box. */
      const scrolls = (el) => {
        for (let p = el.parentElement; p && p !== document.body; p = p.parentElement) {
          const ox = getComputedStyle(p).overflowX;
          if (ox === 'auto' || ox === 'scroll') return true;
        }
        return false;
      };
      for (const el of document.querySelectorAll('a[href], button, input, select, textarea, [tabindex]')) {
        if (el.closest('[hidden], .sr-only') || el.classList.contains('skip')) continue;
        const cs = getComputedStyle(el);
        if (cs.display === 'none' || cs.visibility === 'hidden') continue;
        if (el.type === 'radio' || el.type === 'checkbox') continue; // reached by their labels
        const r = el.getBoundingClientRect();
        if (r.width === 0 && r.height === 0) continue; // not rendered (e.g. a closed <details>)
        if (scrolls(el)) continue;
        if (r.left < -1 || r.right > w + 1) out.push(`${name(el)} spans ${Math.round(r.left)}..${Math.round(r.right)}px`);
      }
      return out;
    });
  }

  /* Keyboard: presses Tab until the focused element matches test(el-description), at most
   * max times; returns the description of what got focus. */
  async tabTo(want, max = 60) {
    for (let i = 0; i < max; i++) {
      await this.page.keyboard.press('Tab');
      const d = await this.focused();
      if (want(d)) return d;
    }
    throw new Error(`${max} presses of Tab did not reach the wanted control`);
  }

  /* The focused element: tag, type, id, its text or label, and whether focus is visible. */
  focused() {
    return this.page.evaluate(() => {
      const el = document.activeElement;
      if (!el || el === document.body) return { tag: 'body' };
      const label = el.id ? document.querySelector(`label[for="${el.id}"]`)?.innerText : '';
      const cs = getComputedStyle(el);
      const ring = (cs.outlineStyle !== 'none' && parseFloat(cs.outlineWidth) > 0) || cs.boxShadow !== 'none';
      return { tag: el.tagName.toLowerCase(), type: el.type || '', id: el.id, href: el.getAttribute('href'), text: (el.innerText || '').trim(),
        label: (label || el.getAttribute('aria-label') || '').trim(), value: el.value, ring };
    });
  }

  shot(name) {
    /* docs/screenshots keeps chromium's; the other engine's go to tests/out only. */
    return shot(this.page, `${name}${this.kind === 'chromium' ? '' : '-' + this.kind}`, { doc: this.kind === 'chromium' });
  }
}
