// flows_idp.test.mjs: signing in through the identity provider (OpenID Connect, authorization
// code with PKCE), as a nurse would: the login page's button, the IdP's own page, back to heime
// with a code and straight to the worklist. The IdP here is a stand-in on loopback that does
// what a real one checks (the client, the code once, the redirect URI, the PKCE verifier) and
// signs its access tokens with a key heime is configured to trust.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, generateKeyPairSync, randomBytes, sign } from 'node:crypto';
import { createServer } from 'node:http';
import { writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startHeime, launch, freePort, axe, DESKTOP } from './lib.mjs';

const ISSUER = 'https://idp.example.test/realms/helse';
const CLIENT = 'heime-ui';
const SECRET = 'browser-test-secret';
const b64url = (buf) => Buffer.from(buf).toString('base64url');

let heime, browser, idp, idpBase;
const { publicKey, privateKey } = generateKeyPairSync('ed25519');
const codes = new Map(); // code -> {user, challenge, redirect}

function jwt(user) {
  const now = Math.floor(Date.now() / 1000);
  const head = b64url(JSON.stringify({ alg: 'EdDSA', typ: 'JWT' }));
  const body = b64url(JSON.stringify({ iss: ISSUER, aud: 'heime', iat: now, exp: now + 300, preferred_username: user }));
  return `${head}.${body}.${b64url(sign(null, Buffer.from(`${head}.${body}`), privateKey))}`;
}

function fakeIdp(req, res) {
  const url = new URL(req.url, idpBase);
  const answer = (status, obj) => { res.writeHead(status, { 'Content-Type': 'application/json' }); res.end(JSON.stringify(obj)); };
  if (req.method === 'GET' && url.pathname === '/authorize') {
    const q = url.searchParams;
    if (q.get('client_id') !== CLIENT || q.get('code_challenge_method') !== 'S256' || q.get('response_type') !== 'code') return answer(400, { error: 'invalid_request' });
    res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
    return res.end(`<!doctype html><html lang="en"><title>Test-IdP</title><main><h1>Test-IdP</h1>
      <form method="post" action="/login?${q}"><label>User <input name="user"></label><button>Sign in at the IdP</button></form></main></html>`);
  }
  let data = '';
  req.on('data', (c) => { data += c; });
  req.on('end', () => {
    const form = new URLSearchParams(data);
    if (url.pathname === '/login') { // the user signed in at the IdP: back to heime with a code
      const q = url.searchParams;
      const code = b64url(randomBytes(18));
      codes.set(code, { user: form.get('user'), challenge: q.get('code_challenge'), redirect: q.get('redirect_uri') });
      res.writeHead(302, { Location: `${q.get('redirect_uri')}?code=${code}&state=${encodeURIComponent(q.get('state'))}` });
      return res.end();
    }
    if (url.pathname !== '/token') return answer(404, { error: 'not_found' });
    if (form.get('client_id') !== CLIENT || form.get('client_secret') !== SECRET) return answer(401, { error: 'invalid_client' });
    const c = codes.get(form.get('code'));
    codes.delete(form.get('code'));
    if (!c || c.redirect !== form.get('redirect_uri')) return answer(400, { error: 'invalid_grant' });
    if (b64url(createHash('sha256').update(form.get('code_verifier') || '').digest()) !== c.challenge) return answer(400, { error: 'invalid_grant', error_description: 'PKCE' });
    answer(200, { access_token: jwt(c.user), token_type: 'Bearer', expires_in: 300 });
  });
}

before(async () => {
  const port = await freePort();
  idpBase = `http://127.0.0.1:${port}`;
  idp = createServer(fakeIdp);
  await new Promise((r) => idp.listen(port, '127.0.0.1', r));
  const dir = mkdtempSync(join(tmpdir(), 'heime-idp-'));
  writeFileSync(join(dir, 'idp.pem'), publicKey.export({ type: 'spki', format: 'pem' }));
  writeFileSync(join(dir, 'secret'), SECRET + '\n');
  heime = await startHeime({
    HEIME_JWT_PUBLIC_KEY_FILE: join(dir, 'idp.pem'), HEIME_JWT_ISSUER: ISSUER, HEIME_JWT_AUDIENCE: 'heime',
    HEIME_OIDC_AUTHORIZE_URL: idpBase + '/authorize', HEIME_OIDC_TOKEN_URL: idpBase + '/token',
    HEIME_OIDC_CLIENT_ID: CLIENT, HEIME_OIDC_CLIENT_SECRET_FILE: join(dir, 'secret'), HEIME_OIDC_NAME: 'Test-IdP',
  });
  browser = await launch();
});

after(async () => {
  await browser?.close();
  await heime?.stop();
  idp?.close();
});

test('a nurse signs in through the identity provider and lands on her worklist', async () => {
  const ctx = await browser.newContext({ ...DESKTOP, baseURL: heime.base, locale: 'nb-NO', timezoneId: 'Europe/Oslo' });
  const page = await ctx.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto('/');
  const button = page.getByRole('button', { name: 'Logg inn med Test-IdP' });
  await button.waitFor();
  assert.deepEqual(await axe(page), [], 'axe on the login page with the IdP button');
  await button.click();
  await page.getByLabel('User').fill('tromso.sentrum2');
  await page.getByRole('button', { name: 'Sign in at the IdP' }).click();
  await page.getByRole('button', { name: 'Logg ut' }).waitFor();
  assert.match(new URL(page.url()).pathname, /^\/worklist/);
  assert.match(await page.locator('.who').innerText(), /tromso\.sentrum2/);
  assert.equal(new URL(page.url()).search, '', 'the code is gone from the address bar');
  // a return that this tab did not start (a forged or replayed link) is refused in words
  await page.getByRole('button', { name: 'Logg ut' }).click();
  await button.waitFor(); // logged out (else the next page load would still find the session)
  await page.goto('/login?code=abc&state=forged');
  await page.getByText('Innloggingen kom ikke tilbake til denne fanen').waitFor();
  assert.deepEqual(errors, []);
  await ctx.close();
});
