// flows-admin.test.mjs: staff administration in a real browser against its own heime demo:
// the admin edits a staff member, sets a temporary password, deactivates (the login stops at
// once) and reactivates, ends and removes a competence; another municipality's super-user is
// refused with a clear message; the nurse's worklist shows who is on duty and each route's shift.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startHeime, launch, loginAs, shot, axe, apiLogin, apiCall, PHONE, osloDate } from './lib.mjs';

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

async function rawLogin(username, password) {
  const r = await fetch(heime.base + '/api/v1/auth/login', { method: 'POST', headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ username, password }) });
  return { status: r.status, body: await r.json() };
}

test('admin: edits, temporary password, deactivates and reactivates, ends and removes a competence', async () => {
  const tok = await apiLogin(heime.base, 'admin');
  const staff = (await apiCall(heime.base, tok, 'GET', '/api/v1/staff')).body;
  const zone = staff.find((s) => s.username === 'tromso.sentrum2');
  const made = await apiCall(heime.base, tok, 'POST', '/api/v1/staff', { name: 'Eva Redigert', role: 'municipal_nurse',
    org_id: zone.org_id, username: 'ui.rediger1', password: 'forste-passord-123' });
  assert.equal(made.status, 201);
  const id = made.body.id;
  const comp = await apiCall(heime.base, tok, 'PUT', `/api/v1/staff/${id}/competences`,
    { kind: 'infusion_pump', trained_on: '2025-01-10', expires_on: '2030-01-10' });
  assert.equal(comp.status, 200);

  const page = await loginAs(browser, heime.base, 'admin');
  const row = page.locator('table.staff tbody tr', { hasText: 'ui.rediger1' });
  await row.waitFor();
  await row.getByRole('button', { name: 'Endre Eva Redigert' }).click();
  const edit = page.getByRole('group', { name: 'Endre Eva Redigert' });
  await edit.getByLabel('Navn', { exact: true }).fill('Eva Redigert Berg');
  await edit.getByLabel('Telefon', { exact: true }).fill('+47 400 12 345');
  await checkA11y(page, 'admin editing a staff member');
  await shot(page, 'admin-edit-staff');
  await edit.getByRole('button', { name: 'Lagre' }).click();
  await page.getByRole('status').filter({ hasText: 'Endringene for Eva Redigert Berg er lagret' }).waitFor();
  await row.filter({ hasText: 'Eva Redigert Berg' }).waitFor();

  // A temporary password: the old one stops working, the new one asks for a change.
  await row.getByRole('button', { name: 'Endre Eva Redigert Berg' }).click();
  const edit2 = page.getByRole('group', { name: 'Endre Eva Redigert Berg' });
  await edit2.getByLabel('Midlertidig passord').fill('midlertidig-123');
  await edit2.getByRole('button', { name: 'Sett midlertidig passord' }).click();
  await page.getByRole('status').filter({ hasText: 'har fått et midlertidig passord' }).waitFor();
  assert.equal((await rawLogin('ui.rediger1', 'forste-passord-123')).status, 401);
  const temp = await rawLogin('ui.rediger1', 'midlertidig-123');
  assert.equal(temp.status, 200);
  assert.equal(temp.body.password_change_required, true);

  // Deactivation asks once more, then logs the person out at once.
  await row.getByRole('button', { name: 'Endre Eva Redigert Berg' }).click();
  const edit3 = page.getByRole('group', { name: 'Endre Eva Redigert Berg' });
  await edit3.getByRole('button', { name: 'Deaktiver' }).click();
  await edit3.getByRole('alert').filter({ hasText: 'logges ut med en gang' }).waitFor();
  await edit3.getByRole('button', { name: 'Ja, deaktiver' }).click();
  await page.getByRole('status').filter({ hasText: 'Eva Redigert Berg er deaktivert og logget ut' }).waitFor();
  await row.filter({ hasText: 'deaktivert' }).waitFor();
  assert.equal((await apiCall(heime.base, temp.body.token, 'GET', '/api/v1/me')).status, 401);
  const refused = await rawLogin('ui.rediger1', 'midlertidig-123');
  assert.equal(refused.status, 401);
  assert.match(refused.body.error, /account disabled/);
  await row.getByRole('button', { name: 'Endre Eva Redigert Berg' }).click();
  await page.getByRole('group', { name: 'Endre Eva Redigert Berg' }).getByRole('button', { name: 'Aktiver igjen' }).click();
  await page.getByRole('status').filter({ hasText: 'Eva Redigert Berg kan logge inn igjen' }).waitFor();
  assert.equal((await rawLogin('ui.rediger1', 'midlertidig-123')).status, 200);

  // Logging in with the temporary password asks for the person's own first.
  const ctx = await browser.newContext({ baseURL: heime.base, locale: 'nb-NO', timezoneId: 'Europe/Oslo' });
  const own = await ctx.newPage();
  await own.goto('/');
  await own.getByLabel('Brukernavn').fill('ui.rediger1');
  await own.getByLabel('Passord').fill('midlertidig-123');
  await own.getByRole('button', { name: 'Logg inn' }).click();
  await own.getByRole('heading', { name: 'Velg ditt eget passord' }).waitFor();
  await own.getByLabel('Midlertidig passord').fill('midlertidig-123');
  await own.getByLabel('Nytt passord', { exact: true }).fill('mitt-eget-passord-9');
  await own.getByLabel('Nytt passord igjen').fill('mitt-eget-passord-8');
  await own.getByRole('button', { name: 'Lagre det nye passordet' }).click();
  await own.getByRole('alert').filter({ hasText: 'De to nye passordene er ulike' }).waitFor();
  await own.getByLabel('Nytt passord igjen').fill('mitt-eget-passord-9');
  await checkA11y(own, 'choosing one\'s own password');
  await own.getByRole('button', { name: 'Lagre det nye passordet' }).click();
  await own.getByRole('heading', { name: 'Dagens arbeidsliste' }).waitFor();
  await ctx.close();
  const mine = await rawLogin('ui.rediger1', 'mitt-eget-passord-9');
  assert.equal(mine.status, 200);
  assert.equal(mine.body.password_change_required, false);

  // The competence: ended now (red, EXPIRED), then removed.
  await row.locator('li.comp', { hasText: 'Infusjonspumpe' }).waitFor();
  assert.equal(await row.locator('li.comp-expired').count(), 0);
  await row.getByRole('button', { name: 'Avslutt nå: Infusjonspumpe for Eva Redigert Berg' }).click();
  await page.getByRole('status').filter({ hasText: 'gjelder ikke lenger fra i dag' }).waitFor();
  await row.locator('li.comp-expired', { hasText: 'UTLØPT' }).waitFor();
  await checkA11y(page, 'admin with an ended competence');
  await row.getByRole('button', { name: 'Fjern: Infusjonspumpe for Eva Redigert Berg' }).click();
  await page.getByRole('status').filter({ hasText: 'Infusjonspumpe er fjernet for Eva Redigert Berg' }).waitFor();
  await row.filter({ hasText: 'ingen registrert' }).waitFor();
  assert.deepEqual(page.errors ?? [], []);
  await page.context().close();

  // Senja's super-user administers Senja's nurses, and is offered no edit of Tromsø's nurses or
  // of a physician; a role outside the municipal two is not offered either.
  const su = await loginAs(browser, heime.base, 'senja1');
  await su.getByRole('link', { name: 'Ansatte' }).click();
  const senja = su.locator('table.staff tbody tr', { hasText: 'senja3' });
  await senja.getByRole('button', { name: /^Endre / }).waitFor();
  const other = su.locator('table.staff tbody tr', { hasText: 'ui.rediger1' });
  await other.waitFor();
  assert.equal(await other.getByRole('button', { name: /^Endre/ }).count(), 0);
  const lege = su.locator('table.staff tbody tr', { hasText: 'lege1' });
  assert.equal(await lege.getByRole('button', { name: /^Endre/ }).count(), 0);
  await senja.getByRole('button', { name: /^Endre / }).click();
  const roles = await su.locator('table.staff select[id$="-role"] option').allInnerTexts();
  assert.equal(roles.length, 2, roles.join(', '));
  await su.context().close();
});

test('worklist: who is on duty and each route\'s shift from the roster', async () => {
  const page = await loginAs(browser, heime.base, 'tromso.sentrum2', PHONE);
  await page.getByRole('heading', { name: 'Dagens arbeidsliste' }).waitFor();
  const duty = page.getByRole('region', { name: 'På vakt' });
  await duty.waitFor();
  await duty.getByText('15:00–23:00 (30 min pause)').first().waitFor();
  await checkA11y(page, 'worklist with the roster');
  await shot(page, 'worklist-roster-phone');
  await page.context().close();
});

test('roster: a super-user adds a shift; a refused roster is explained and changes nothing', async () => {
  const su = await loginAs(browser, heime.base, 'tromso.sentrum1');
  await su.getByRole('link', { name: 'Turnus' }).click();
  await su.getByRole('heading', { name: 'Turnus', exact: true }).waitFor();
  await su.locator('table.roster').first().waitFor();
  const before = await su.locator('table.roster tbody tr').count();
  await checkA11y(su, 'roster');
  await shot(su, 'roster');
  await su.getByRole('button', { name: /^Legg til vakt/ }).last().click();
  const k = before + 1;
  await su.getByLabel(`Sykepleier, vakt ${k}`, { exact: true }).selectOption({ label: 'Sindre Olsen' });
  await su.getByLabel(`Start, vakt ${k}`, { exact: true }).fill('06:00');
  await su.getByLabel(`Slutt, vakt ${k}`, { exact: true }).fill('07:00');
  // The default break (11:00-13:00) does not fit an early hour: the server names the shift.
  await su.getByRole('button', { name: 'Lagre turnusen' }).click();
  await su.getByRole('alert').filter({ hasText: `shift ${k}` }).waitFor();
  await su.getByLabel(`Pausen starter fra, vakt ${k}`, { exact: true }).fill('');
  await su.getByLabel(`Pausen starter senest, vakt ${k}`, { exact: true }).fill('');
  await su.getByLabel(`Pausens lengde i minutter, vakt ${k}`, { exact: true }).fill('0');
  await su.getByRole('button', { name: 'Lagre turnusen' }).click();
  await su.getByRole('status').filter({ hasText: `Turnusen er lagret (${k} vakter)` }).waitFor();
  const tok = await apiLogin(heime.base, 'tromso.sentrum1');
  const me = (await apiCall(heime.base, tok, 'GET', '/api/v1/me')).body;
  const from = osloDate(6); // the last day of the roster page's week
  const r = await apiCall(heime.base, tok, 'GET', `/api/v1/orgs/${me.org_id}/roster?from=${from}&to=${from}`);
  assert.ok(r.body.shifts.some((s) => s.staff === 'Sindre Olsen' && s.start === '06:00' && s.end === '07:00'), JSON.stringify(r.body));
  assert.deepEqual(su.errors, []);
  await su.context().close();
});
