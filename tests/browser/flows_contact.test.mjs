// flows_contact.test.mjs: a home-care nurse changes a patient's contact details on the patient
// page in a real browser against a real heime demo region: a new phone number and next of kin
// are saved and shown in the summary; a new address with unreadable coordinates is refused with
// the server's message, and nothing of it is stored. axe check on the open form.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startHeime, launch, loginAs, axe, apiLogin, apiCall, PHONE } from './lib.mjs';

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

test('nurse changes phone and next of kin; an address without coordinates is refused', async () => {
  const tok = await apiLogin(heime.base, 'tromso.sentrum2');
  const patients = (await apiCall(heime.base, tok, 'GET', '/api/v1/patients')).body;
  const p = patients[0];
  const page = await loginAs(browser, heime.base, 'tromso.sentrum2', PHONE);
  await page.goto(`/patients/${p.id}`);
  await page.getByRole('heading', { name: p.name }).waitFor();
  await page.getByRole('button', { name: 'Endre kontaktopplysninger' }).click();
  const form = page.getByRole('form', { name: 'Kontaktopplysninger' });
  await form.waitFor();
  const v = await axe(page);
  assert.deepEqual(v, [], `axe on the contact form:\n${v.join('\n')}`);
  await form.getByLabel('Telefon').first().fill('+47 400 55 123');
  const kin = form.getByRole('group', { name: 'Pårørende' });
  await kin.getByLabel('Navn').fill('Syntetisk Pårørende');
  await kin.getByLabel('Relasjon').fill('bror');
  await kin.getByLabel('Telefon').fill('+47 400 55 124');
  await form.getByRole('button', { name: 'Lagre' }).click();
  await page.getByRole('status').filter({ hasText: 'Kontaktopplysningene er lagret.' }).waitFor();
  await page.getByRole('link', { name: '+47 400 55 123' }).waitFor();
  await page.getByText('Syntetisk Pårørende (bror)').waitFor();
  let now = (await apiCall(heime.base, tok, 'GET', `/api/v1/patients/${p.id}`)).body;
  assert.equal(now.phone, '+47 400 55 123');
  assert.deepEqual(now.next_of_kin[0], { name: 'Syntetisk Pårørende', relation: 'bror', phone: '+47 400 55 124' });

  // A move whose latitude is not a number: the server's message is shown, nothing is stored.
  await page.getByRole('button', { name: 'Endre kontaktopplysninger' }).click();
  await form.getByLabel('Adresse').fill('Syntetveien 99');
  await form.getByLabel('Breddegrad').fill('nord');
  await form.getByRole('button', { name: 'Lagre' }).click();
  await page.getByRole('alert').filter({ hasText: 'lat' }).waitFor();
  now = (await apiCall(heime.base, tok, 'GET', `/api/v1/patients/${p.id}`)).body;
  assert.equal(now.address, p.address);
  assert.deepEqual(page.errors, []);
  await page.context().close();
});
