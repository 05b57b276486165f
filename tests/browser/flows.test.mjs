// flows.test.mjs: what only Playwright offers, so chromium only: admin's competence expiry on a
// fixed browser clock (page.clock), a super-user's staff page and the API's 403 in words for
// an operator and a nurse. Each role's main flow runs in every engine from roles.mjs
// (roles.test.mjs). Screenshots go to tests/out/screenshots
// (and docs/screenshots); every page gets an axe accessibility check.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { startHeime, launch, loginAs, shot, axe, apiLogin, apiCall, PHONE, DESKTOP, HEIME, HEIME_CWD } from './lib.mjs';

let heime;
let browser;

before(async () => {
  heime = await startHeime();
  browser = await launch();
});

after(async () => {
  await browser?.close();
  await heime?.stop();
});

async function checkA11y(page, name) {
  const v = await axe(page);
  assert.deepEqual(v, [], `axe on ${name}:\n${v.join('\n')}`);
}

test('admin: staff with competences and expiry, organisations, emergency review; a nurse is refused the pump list', async () => {
  const tok = await apiLogin(heime.base, 'admin');
  const staff = (await apiCall(heime.base, tok, 'GET', '/api/v1/staff')).body;
  const dates = staff.flatMap((s) => s.competences.map((c) => c.expires_on)).filter(Boolean).sort();
  const first = dates[0];
  const last = dates[dates.length - 1];
  const day = (iso, n) => new Date(Date.parse(iso + 'T12:00:00Z') + n * 86400000);
  const page = await loginAs(browser, heime.base, 'admin');
  // The browser's clock decides what is expired: 10 days before the earliest expiry it is
  // "expires soon" (amber, with words), a day after it "EXPIRED" (red, with words).
  await page.clock.setFixedTime(day(first, -10));
  await page.reload();
  await page.getByRole('heading', { name: 'Administrasjon' }).waitFor();
  await page.getByRole('heading', { name: 'Ansatte og kompetanse' }).waitFor();
  await page.getByRole('heading', { name: 'Organisasjoner' }).waitFor();
  const kari = page.locator('table.staff tbody tr', { hasText: 'sykepleier1' }).first();
  const k = staff.find((s) => s.username === 'sykepleier1');
  for (const text of [k.name, 'sykepleier, sykehus', k.org, 'Infusjonspumpe', 'opplært', 'utløper']) {
    assert.ok((await kari.innerText()).includes(text), `staff row has ${text}`);
  }
  const iso = (d) => d.toISOString().slice(0, 10);
  const soon = dates.filter((d) => d <= iso(day(first, 50))).length;
  const expired = dates.filter((d) => d < iso(day(first, 1))).length;
  assert.equal(await page.locator('li.comp-soon').count(), soon);
  assert.equal(await page.locator('li.comp-soon .badge', { hasText: 'utløper snart' }).count(), soon);
  assert.equal(await page.locator('li.comp-expired').count(), 0);
  await page.getByText(new RegExp(`${staff.length} ansatte; 0 kompetanser er utløpt og ${soon} utløper innen 60 dager`)).waitFor();
  await checkA11y(page, 'admin');
  await shot(page, 'admin');
  await page.clock.setFixedTime(day(first, 1));
  await page.reload();
  await page.locator('li.comp-expired').first().waitFor();
  assert.equal(await page.locator('li.comp-expired .badge', { hasText: 'UTLØPT' }).count(), expired);
  assert.ok(last > first, 'some competences are valid for long');
  await checkA11y(page, 'admin with expired competences');
  await shot(page, 'admin-expired');
  await page.context().close();
  // A super-user sees the staff list too; an operator's menu has no staff page and the API says no.
  const su = await loginAs(browser, heime.base, staff.find((s) => s.role === 'super_user').username);
  await su.getByRole('link', { name: 'Ansatte' }).click();
  await su.getByRole('heading', { name: 'Ansatte og kompetanse' }).waitFor();
  await su.locator('table.staff tbody tr').first().waitFor();
  await su.context().close();
  const op = await loginAs(browser, heime.base, 'operator1');
  await op.goto('/staff');
  await op.getByRole('alert').filter({ hasText: 'Du har ikke tilgang til dette' }).waitFor();
  await op.context().close();
  const nurse = await loginAs(browser, heime.base, 'tromso.sentrum2');
  await nurse.goto('/devices');
  await nurse.getByRole('alert').filter({ hasText: 'Du har ikke tilgang til dette' }).waitFor();
  await nurse.context().close();
});

