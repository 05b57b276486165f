// api.js: the one place that talks to heime's JSON API. Keeps the bearer token for the tab
// (sessionStorage), turns every non-2xx answer into an ApiError with the server's message,
// and sends the user back to the login page when the session has ended (401).
import { signal } from '@preact/signals';

export const session = signal(null); // {token, me}
export const sessionEnded = signal(''); // why the user was logged out, shown on the login page

export class ApiError extends Error {
  constructor(status, message, path) {
    super(message);
    this.status = status;
    this.path = path;
  }
}

export function loadSession() {
  try {
    const s = JSON.parse(sessionStorage.getItem('heime.session') || 'null');
    if (s && s.token && s.me) session.value = s;
  } catch {
    session.value = null;
  }
}

function saveSession(s) {
  session.value = s;
  if (s) sessionStorage.setItem('heime.session', JSON.stringify(s));
  else sessionStorage.removeItem('heime.session');
}

export async function api(method, path, body) {
  const headers = { Accept: 'application/json' };
  const tok = session.value?.token;
  if (tok) headers.Authorization = 'Bearer ' + tok;
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  let res;
  try {
    res = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  } catch (e) {
    throw new ApiError(0, String(e.message || e), path);
  }
  const text = await res.text();
  let data = null;
  if (text) {
    try {
      data = JSON.parse(text);
    } catch {
      data = { error: text.slice(0, 200) };
    }
  }
  if (!res.ok) {
    const msg = (data && data.error) || res.statusText || 'error';
    if (res.status === 401 && tok && !path.endsWith('/auth/login')) {
      saveSession(null);
      sessionEnded.value = msg;
    }
    throw new ApiError(res.status, msg, path);
  }
  return data;
}

export const get = (p) => api('GET', p);
export const post = (p, b) => api('POST', p, b);
export const put = (p, b) => api('PUT', p, b);
export const patch = (p, b) => api('PATCH', p, b);
export const del = (p) => api('DELETE', p);

export async function login(username, password) {
  const r = await api('POST', '/api/v1/auth/login', { username, password });
  session.value = { token: r.token, me: null };
  const me = await api('GET', '/api/v1/me');
  /* A temporary password an admin set: the shell asks for the user's own before anything else. */
  saveSession({ token: r.token, me, mustChange: !!r.password_change_required });
  sessionEnded.value = '';
  return me;
}

/* Sign-in through the identity provider (authorization code with PKCE, RFC 7636): the tab
 * keeps the verifier and state while the user is at the IdP, which sends them back to
 * /login with a code; heime exchanges the code and opens one of its own sessions. */
const IDP_KEY = 'heime.oidc';
const b64url = (bytes) => btoa(String.fromCharCode(...bytes)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
const idpRedirect = () => location.origin + '/login';

export async function startIdpLogin(cfg, want) {
  const verifier = b64url(crypto.getRandomValues(new Uint8Array(48)));
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier));
  const state = b64url(crypto.getRandomValues(new Uint8Array(16)));
  sessionStorage.setItem(IDP_KEY, JSON.stringify({ verifier, state, want }));
  const q = new URLSearchParams({
    response_type: 'code', client_id: cfg.client_id, redirect_uri: idpRedirect(), scope: cfg.scope,
    state, code_challenge: b64url(new Uint8Array(digest)), code_challenge_method: 'S256',
  });
  location.assign(cfg.authorize_url + (cfg.authorize_url.includes('?') ? '&' : '?') + q);
}

/* Back from the IdP: {me, want} after the exchange; null when this page load is not a return
 * from the IdP. A state that is not this tab's is refused (a forged return). */
export async function finishIdpLogin(params) {
  const code = params.get('code');
  const error = params.get('error');
  if (!code && !error) return null;
  const pending = JSON.parse(sessionStorage.getItem(IDP_KEY) || 'null');
  sessionStorage.removeItem(IDP_KEY);
  history.replaceState(null, '', '/login');
  if (error) throw new ApiError(401, params.get('error_description') || error, '/login');
  if (!pending || pending.state !== params.get('state')) throw new ApiError(401, 'state', '/login');
  const r = await api('POST', '/api/v1/auth/oidc',
    { code, code_verifier: pending.verifier, redirect_uri: idpRedirect() });
  session.value = { token: r.token, me: null };
  const me = await api('GET', '/api/v1/me');
  saveSession({ token: r.token, me, mustChange: false });
  sessionEnded.value = '';
  return { me, want: pending.want };
}

/* The user chose their own password (POST /api/v1/auth/password answered 204). */
export function passwordChanged() {
  if (session.value) saveSession({ ...session.value, mustChange: false });
}

export async function logout() {
  try {
    await api('POST', '/api/v1/auth/logout');
  } catch {
    /* The session is dropped locally whatever the server says. */
  }
  saveSession(null);
}

/* Reads server-sent events with the bearer header (EventSource cannot send one). Calls
 * onEvent(type, data) per event; returns a function that stops the stream. */
export function stream(path, onEvent, onState) {
  const ctl = new AbortController();
  let stopped = false;
  const run = async () => {
    while (!stopped) {
      try {
        const res = await fetch(path, {
          headers: { Authorization: 'Bearer ' + session.value?.token, Accept: 'text/event-stream' },
          signal: ctl.signal,
        });
        if (!res.ok) {
          const txt = await res.text();
          let msg = txt;
          try { msg = JSON.parse(txt).error || txt; } catch { /* plain text */ }
          onState?.('error', new ApiError(res.status, msg, path));
          if (res.status === 401 || res.status === 403 || res.status === 404) return;
        } else {
          onState?.('open');
          const reader = res.body.getReader();
          const dec = new TextDecoder();
          let buf = '';
          for (;;) {
            const { value, done } = await reader.read();
            if (done) break;
            buf += dec.decode(value, { stream: true });
            let i;
            while ((i = buf.indexOf('\n\n')) >= 0) {
              const block = buf.slice(0, i);
              buf = buf.slice(i + 2);
              let type = 'message';
              const data = [];
              for (const line of block.split('\n')) {
                if (line.startsWith('event:')) type = line.slice(6).trim();
                else if (line.startsWith('data:')) data.push(line.slice(5).replace(/^ /, ''));
              }
              if (data.length) {
                let parsed = data.join('\n');
                try { parsed = JSON.parse(parsed); } catch { /* keep text */ }
                onEvent(type, parsed);
              }
            }
          }
          onState?.('closed');
        }
      } catch (e) {
        if (stopped) return;
        onState?.('error', new ApiError(0, String(e.message || e), path));
      }
      await new Promise((r) => setTimeout(r, 2000));
    }
  };
  run();
  return () => {
    stopped = true;
    ctl.abort();
  };
}
