// flows.test.mjs: the chromium-only flows, which use what only Playwright offers (a fixed
// browser clock) or need one engine only: the board with 500+ open alarms, a planned day per
// nurse, admin's competence expiry on a fixed clock and the staff forms. Each role's main flow
// runs in every engine from roles.mjs (roles.test.mjs). Screenshots go to tests/out/screenshots
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

test('municipal nurse: a planned day grouped per nurse by name, in route order', async () => {
  const date = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Oslo' }).format(new Date(Date.now() + 86400000));
  const out = execFileSync(HEIME, ['plan', '--db', 'sqlite:' + heime.tmp + '/heime.db', '--date', date, '--org', '6',
    '--time-limit', '1'], { cwd: HEIME_CWD, encoding: 'utf8' });
  const routes = JSON.parse(out).routes.filter((r) => r.visits.length > 0);
  assert.ok(routes.length > 0, 'the plan has routes');
  const page = await loginAs(browser, heime.base, 'tromso.sentrum2', PHONE);
  await page.goto(`/worklist?date=${date}&org=6`);
  for (const r of routes) {
    const sec = page.getByRole('region', { name: `Rute for ${r.name}` });
    await sec.waitFor();
    const stops = await sec.locator('li.task .order').allTextContents();
    assert.deepEqual(stops, stops.map((_, i) => String(i + 1)), `${r.name}: stops in route order`);
  }
  assert.equal(await page.getByText(/Rute for sykepleier \d/).count(), 0);
  await checkA11y(page, 'worklist with routes');
  await shot(page, 'worklist-routes-phone');
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

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

test('admin: creates a staff member and records a competence; another municipality\'s super-user is refused', async () => {
  const tok = await apiLogin(heime.base, 'admin');
  const staff = (await apiCall(heime.base, tok, 'GET', '/api/v1/staff')).body;
  const org = staff.find((s) => s.username === 'tromso.sentrum2');
  const page = await loginAs(browser, heime.base, 'admin');
  await page.getByRole('heading', { name: 'Ny ansatt' }).waitFor();
  await page.getByLabel('Navn', { exact: true }).fill('Synne Nettleser');
  await page.getByLabel('Rolle', { exact: true }).selectOption('municipal_nurse');
  await page.getByLabel('Organisasjon', { exact: true }).selectOption(String(org.org_id));
  await page.getByLabel('Telefon (valgfritt)').fill('+47 400 00 001');
  await page.getByLabel('Brukernavn', { exact: true }).fill('sykepleier1');
  await page.getByLabel('Passord', { exact: true }).fill('et-langt-demo-passord');
  await page.getByRole('button', { name: 'Opprett ansatt' }).click();
  // A taken username is said in words, and the form keeps what was typed.
  await page.getByRole('alert').filter({ hasText: 'Brukernavnet er opptatt' }).waitFor();
  await page.getByLabel('Brukernavn', { exact: true }).fill('ui.nyansatt1');
  await page.getByRole('button', { name: 'Opprett ansatt' }).click();
  await page.getByRole('status').filter({ hasText: 'Synne Nettleser er opprettet med brukernavnet ui.nyansatt1' }).waitFor();
  const row = page.locator('table.staff tbody tr', { hasText: 'ui.nyansatt1' });
  await row.waitFor();
  assert.ok((await row.innerText()).includes(org.org), 'new staff row names the organisation');
  assert.ok((await row.innerText()).includes('ingen registrert'), 'no competences yet');
  await page.getByText(new RegExp(`${staff.length + 1} ansatte;`)).waitFor();
  // Record a competence that expires within 60 days: it is listed with "utløper snart".
  const iso = (n) => new Date(Date.now() + n * 86400000).toISOString().slice(0, 10);
  await row.getByRole('button', { name: 'Registrer kompetanse for Synne Nettleser' }).click();
  const form = page.getByRole('form', { name: 'Registrer kompetanse for Synne Nettleser' });
  await form.getByLabel('Kompetanse', { exact: true }).selectOption('infusion_pump');
  await form.getByLabel('Opplært dato').fill(iso(-5));
  await form.getByLabel('Utløper dato (valgfritt)').fill(iso(30));
  await checkA11y(page, 'admin with the staff forms');
  await form.getByRole('button', { name: 'Lagre' }).click();
  await page.getByRole('status').filter({ hasText: 'Infusjonspumpe er registrert for Synne Nettleser' }).waitFor();
  await row.locator('li.comp-soon', { hasText: 'Infusjonspumpe' }).waitFor();
  assert.ok((await row.innerText()).includes('utløper snart'), 'the new competence is highlighted');
  await shot(page, 'admin-new-staff');
  await page.context().close();
  // Senja's super-user may read the staff list but not record Tromsø staff's training.
  const su = await loginAs(browser, heime.base, 'senja1');
  await su.getByRole('link', { name: 'Ansatte' }).click();
  const other = su.locator('table.staff tbody tr', { hasText: 'ui.nyansatt1' });
  await other.getByRole('button', { name: 'Registrer kompetanse for Synne Nettleser' }).click();
  const f2 = su.getByRole('form', { name: 'Registrer kompetanse for Synne Nettleser' });
  await f2.getByLabel('Kompetanse', { exact: true }).selectOption('central_line_care');
  await f2.getByRole('button', { name: 'Lagre' }).click();
  await f2.getByRole('alert').filter({ hasText: 'Du kan bare registrere kompetanse for ansatte i egen kommune' }).waitFor();
  assert.equal(await other.locator('li.comp', { hasText: 'Stell av sentralt venekateter' }).count(), 0);
  await su.context().close();
});

