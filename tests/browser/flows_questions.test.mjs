// flows_questions.test.mjs: the patient's questionnaire in a real browser against a real heime
// demo region: the patient answers today's questions on a phone (a required question left out
// is named, then an alarming answer is sent), the alarm appears live on the operator's board
// with the answers in the patient's context, and the physician sees them on the episode page.
// Screenshots of the two sections go to docs/screenshots; every page gets an axe check.
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

async function checkA11y(page, name) {
  const v = await axe(page);
  assert.deepEqual(v, [], `axe on ${name}:\n${v.join('\n')}`);
}

/* The group (fieldset) of one question, by a part of its text. */
const question = (page, text) => page.getByRole('group', { name: text });

test('patient answers today\'s questions on a phone; the operator and the physician see the answers and the alarm', async () => {
  const page = await loginAs(browser, heime.base, 'pasient2', PHONE);
  await page.getByRole('heading', { name: 'Dagens spørsmål' }).waitFor();
  await question(page, /frysninger/).waitFor();
  // Sending with nothing filled in names the required questions.
  await page.getByRole('button', { name: 'Send svarene' }).click();
  await page.getByRole('alert').filter({ hasText: 'frysninger' }).waitFor();
  // Answer with the keyboard where it matters: radios are labelled, the scale is a group.
  await question(page, /frysninger/).getByLabel('Ja', { exact: true }).check();
  await question(page, /Hvor vondt/).getByLabel('3', { exact: true }).check();
  await question(page, /huden rundt kateteret/).getByLabel('Som vanlig').check();
  for (const q of [/diaré/, /utslett/, /pumpen hatt alarmer/]) {
    await question(page, q).getByLabel('Nei', { exact: true }).check();
  }
  await question(page, /alt i alt/).getByLabel('4', { exact: true }).focus();
  await page.keyboard.press('Space');
  assert.ok(await question(page, /alt i alt/).getByLabel('4', { exact: true }).isChecked());
  const confident = question(page, /trygg på å håndtere pumpen/);
  if (await confident.count()) await confident.getByLabel('Ja', { exact: true }).check();
  await page.getByLabel(/termometeret/).fill('38,9');
  await page.getByLabel(/noe annet du vil fortelle/).fill('Frøs mye i natt.');
  await page.getByRole('button', { name: 'Send svarene' }).click();
  await page.getByRole('status').filter({ hasText: 'Takk! Svarene er sendt.' }).waitFor();
  await page.getByText('sendt videre til helsepersonell').waitFor();
  await page.getByText(/Besvart kl\. \d\d:\d\d: Ja/).first().waitFor();
  await checkA11y(page, 'patient questions');
  await page.locator('section[aria-labelledby="q-h"]').screenshot({ path: await sectionShotPath('patient-questions') });
  assert.deepEqual(page.errors, []);
  await page.context().close();

  // The operator: the alarm is on the board, and the answers are in the patient's context.
  const ptok = await apiLogin(heime.base, 'pasient2');
  const me = (await apiCall(heime.base, ptok, 'GET', '/api/v1/me')).body;
  const op = await loginAs(browser, heime.base, 'operator1');
  await op.getByRole('heading', { name: 'Alarmtavle' }).waitFor();
  const row = op.locator('tr.alarm').filter({ hasText: "questionnaire 'chills'" });
  await row.first().waitFor({ timeout: 10000 });
  assert.match(await row.first().locator('.badge').innerText(), /HØY/);
  await op.locator('tr.alarm').filter({ hasText: "questionnaire 'temperature'" }).first().waitFor({ timeout: 10000 });
  await row.first().getByRole('button').click();
  await op.getByRole('heading', { name: 'Siste svar på spørsmål' }).waitFor();
  const ctx = op.locator('aside.detail ul.answers li').filter({ hasText: 'frysninger' });
  await ctx.first().waitFor();
  assert.match(await ctx.first().innerText(), /Ja/);
  await checkA11y(op, 'alarm board with questionnaire alarm');
  assert.deepEqual(op.errors, []);
  await op.context().close();

  // The physician: the episode page lists the answers, the alarming ones marked.
  const eps = (await apiCall(heime.base, ptok, 'GET', `/api/v1/patients/${me.patient_id}/episodes`)).body;
  const ep = eps.find((e) => e.state === 'active');
  const doc = await loginAs(browser, heime.base, 'lege1');
  await doc.goto(`/episodes/${ep.id}`);
  await doc.getByRole('heading', { name: 'Pasientens svar på spørsmål' }).waitFor();
  const item = doc.locator('ul.answers li.alarmed').filter({ hasText: 'frysninger' });
  await item.first().waitFor();
  assert.match(await item.first().innerText(), /HØY/);
  await doc.locator('ul.answers li').filter({ hasText: 'Frøs mye i natt.' }).first().waitFor();
  await doc.locator('ul.answers li').filter({ hasText: '38,9 °C' }).first().waitFor();
  // ... and the timeline has the set of answers, with the alerting ones named.
  const ev = doc.locator('ol.timeline li.answers.alarmed').filter({ hasText: 'svar på spørsmål' });
  await ev.first().waitFor();
  assert.match(await ev.first().innerText(), /HØY.*frysninger/s);
  await checkA11y(doc, 'episode with answers');
  await doc.locator('section[aria-labelledby="qa-h"]').screenshot({ path: await sectionShotPath('episode-answers') });
  assert.deepEqual(doc.errors, []);
  await doc.context().close();
});

test('patient: an answer out of range and the English texts', async () => {
  const page = await loginAs(browser, heime.base, 'pasient3', PHONE);
  await page.getByRole('heading', { name: 'Dagens spørsmål' }).waitFor();
  await page.getByLabel(/termometeret/).fill('50');
  await page.getByRole('button', { name: 'Send svarene' }).click();
  await page.getByRole('alert').filter({ hasText: 'mellom 34 og 43' }).waitFor();
  await page.getByRole('button', { name: 'Switch to English' }).click();
  await page.getByRole('heading', { name: "Today's questions" }).waitFor();
  await question(page, /chills or shivering/).waitFor();
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test('physician answers today\'s questions on the patient\'s behalf from the patient page', async () => {
  const ptok = await apiLogin(heime.base, 'pasient3');
  const me = (await apiCall(heime.base, ptok, 'GET', '/api/v1/me')).body;
  const page = await loginAs(browser, heime.base, 'lege1');
  await page.goto(`/patients/${me.patient_id}`);
  await page.getByText('Svar på dagens spørsmål på vegne av pasienten').click();
  const required = page.locator('form.questions fieldset.question').filter({ hasText: 'må besvares' });
  await required.first().waitFor();
  for (let i = 0; i < await required.count(); i++) await required.nth(i).locator('input[type=radio]').first().check();
  await page.getByRole('button', { name: 'Send svarene' }).click();
  await page.getByRole('status').filter({ hasText: 'Takk! Svarene er sendt.' }).waitFor();
  await page.getByRole('heading', { name: 'Siste svar på spørsmål' }).waitFor();
  await page.locator('ul.answers li').filter({ hasText: '(lege)' }).first().waitFor();
  await checkA11y(page, 'patient page with the questionnaire on the patient\'s behalf');
  assert.deepEqual(page.errors, []);
  await page.context().close();
  // Stored as the physician's answers.
  const q = (await apiCall(heime.base, ptok, 'GET', `/api/v1/patients/${me.patient_id}/questions`)).body;
  assert.ok(q.questions.filter((x) => x.required).every((x) => x.answer?.answered_by.role === 'physician'));
});

async function sectionShotPath(name) {
  const { mkdirSync } = await import('node:fs');
  const { join } = await import('node:path');
  const { ROOT } = await import('./lib.mjs');
  const dir = process.env.HEIME_DOC_SHOTS === '1' ? join(ROOT, 'docs', 'screenshots') : join(ROOT, 'tests', 'out', 'screenshots');
  mkdirSync(dir, { recursive: true });
  return join(dir, name + '.png');
}
