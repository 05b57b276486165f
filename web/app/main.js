// main.js: the application shell: login, role-based navigation, the language switch and the
// client-side routes of every page. Pages live in pages/*.js.
import { render } from 'preact';
import { useState, useEffect } from 'preact/hooks';
import { html, route, navigate, Link, ErrorBox } from './ui.js';
import { t, lang, setLang } from './i18n.js';
import { session, sessionEnded, loadSession, login, logout, get, startIdpLogin, finishIdpLogin } from './api.js';
import { Worklist, TaskPage } from './pages/worklist.js';
import { PatientList, PatientPage } from './pages/patients.js';
import { ReferralPage, EpisodePage } from './pages/episode.js';
import { AlarmBoard } from './pages/alarms.js';
import { DevicesPage } from './pages/devices.js';
import { AdminPage, StaffPage } from './pages/admin.js';
import { MyPage } from './pages/mypage.js';
import { PasswordPage } from './pages/password.js';
import { RosterPage } from './pages/roster.js';

/* What each role sees in the menu; the first entry is its home page. */
const NAV = {
  physician: [['/patients', 'nav.patients'], ['/referral', 'nav.referral'], ['/devices', 'nav.devices'], ['/staff', 'nav.staff']],
  hospital_nurse: [['/patients', 'nav.patients'], ['/referral', 'nav.referral'], ['/worklist', 'nav.worklist'], ['/devices', 'nav.devices'], ['/staff', 'nav.staff']],
  municipal_nurse: [['/worklist', 'nav.worklist'], ['/patients', 'nav.patients']],
  super_user: [['/worklist', 'nav.worklist'], ['/patients', 'nav.patients'], ['/roster', 'nav.roster'], ['/staff', 'nav.staff']],
  operator: [['/alarms', 'nav.alarms'], ['/patients', 'nav.patients']],
  logistics: [['/devices', 'nav.devices']],
  admin: [['/admin', 'nav.admin'], ['/roster', 'nav.roster'], ['/devices', 'nav.devices']],
  analyst: [['/admin', 'nav.orgs']],
  patient: [['/my', 'nav.my']],
};

export const homeOf = (role) => (NAV[role] || [['/my']])[0][0];

function LangSwitch() {
  const other = lang.value === 'nb' ? 'en' : 'nb';
  return html`<button type="button" class="link lang" lang=${other} onClick=${() => setLang(other)}
    aria-label=${t('lang.switch_label')}>${t('lang.other')}</button>`;
}

const wanted = (want, me) => (want && want !== '/' && want !== '/login' ? want : homeOf(me.role));

/* The identity provider's sign-in button, when the server has one (GET /api/v1/auth/config),
 * and the return from it (a code in the URL). */
function IdpLogin({ busy, setBusy, setError }) {
  const [idp, setIdp] = useState(null);
  useEffect(() => {
    get('/api/v1/auth/config').then((c) => setIdp(c.oidc)).catch(() => setIdp(null));
    const params = new URLSearchParams(location.search);
    if (!params.has('code') && !params.has('error')) return;
    setBusy(true);
    finishIdpLogin(params)
      .then((r) => r && navigate(wanted(r.want, r.me)))
      .catch((err) => setError(err.message === 'state' ? new Error(t('login.idp_state')) : err))
      .finally(() => setBusy(false));
  }, []);
  if (!idp) return null;
  const go = () => {
    setBusy(true);
    startIdpLogin(idp, location.pathname).catch((err) => { setError(err); setBusy(false); });
  };
  return html`<div class="idp">
    <button type="button" onClick=${go} disabled=${busy}>${t('login.idp', { name: idp.name || t('login.idp_default') })}</button>
    <p class="or">${t('login.or')}</p>
  </div>`;
}

function Login() {
  const [user, setUser] = useState('');
  const [pass, setPass] = useState('');
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(false);
  const submit = async (e) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const me = await login(user.trim(), pass);
      navigate(wanted(location.pathname, me));
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  return html`<main id="main" class="login">
    <h1>${t('login.title')}</h1>
    <p>${t('login.intro')}</p>
    ${sessionEnded.value && html`<div class="warn" role="status">${t('login.ended')} (${sessionEnded.value})</div>`}
    <${IdpLogin} busy=${busy} setBusy=${setBusy} setError=${setError} />
    <form onSubmit=${submit}>
      <label for="username">${t('login.username')}</label>
      <input id="username" name="username" autocomplete="username" required value=${user}
        onInput=${(e) => setUser(e.target.value)} />
      <label for="password">${t('login.password')}</label>
      <input id="password" name="password" type="password" autocomplete="current-password" required
        value=${pass} onInput=${(e) => setPass(e.target.value)} />
      <${ErrorBox} error=${error} />
      <button type="submit" disabled=${busy}>${busy ? t('login.busy') : t('login.submit')}</button>
    </form>
  </main>`;
}

function Header({ me }) {
  const items = NAV[me.role] || [];
  const path = route.value.split('?')[0];
  const doLogout = async () => {
    await logout();
    navigate('/login');
  };
  return html`<header class="top">
    <a class="skip" href="#main">${t('nav.skip')}</a>
    <span class="brand">heime</span>
    <nav aria-label=${t('nav.label')}>
      <ul>${items.map(([href, key]) => html`<li><${Link} href=${href}
        aria-current=${path.startsWith(href) ? 'page' : undefined}>${t(key)}</${Link}></li>`)}</ul>
    </nav>
    <span class="who">${me.username} · ${t('role.' + me.role)}</span>
    <${LangSwitch} />
    <button type="button" class="secondary" onClick=${doLogout}>${t('nav.logout')}</button>
  </header>`;
}

function NotFound() {
  return html`<main id="main"><h1>${t('notfound.title')}</h1><p>${t('notfound.text')}</p></main>`;
}

function page(path, me) {
  const m = (re) => path.match(re);
  let r;
  if ((r = m(/^\/worklist$/))) return html`<${Worklist} me=${me} />`;
  if ((r = m(/^\/tasks\/(\d+)$/))) return html`<${TaskPage} me=${me} id=${+r[1]} />`;
  if ((r = m(/^\/patients$/))) return html`<${PatientList} me=${me} />`;
  if ((r = m(/^\/patients\/(\d+)$/))) return html`<${PatientPage} me=${me} id=${+r[1]} />`;
  if ((r = m(/^\/referral$/))) return html`<${ReferralPage} me=${me} />`;
  if ((r = m(/^\/episodes\/(\d+)$/))) return html`<${EpisodePage} me=${me} id=${+r[1]} />`;
  if ((r = m(/^\/alarms$/))) return html`<${AlarmBoard} me=${me} />`;
  if ((r = m(/^\/devices$/))) return html`<${DevicesPage} me=${me} />`;
  if ((r = m(/^\/admin$/))) return html`<${AdminPage} me=${me} />`;
  if ((r = m(/^\/staff$/))) return html`<${StaffPage} me=${me} />`;
  if ((r = m(/^\/roster$/))) return html`<${RosterPage} me=${me} />`;
  if ((r = m(/^\/my$/))) return html`<${MyPage} me=${me} />`;
  return html`<${NotFound} />`;
}

function App() {
  const s = session.value;
  const path = route.value.split('?')[0];
  document.documentElement.lang = lang.value;
  if (!s || !s.me) {
    return html`<div class="shell"><header class="top"><span class="brand">heime</span>
      <span class="spacer"></span><${LangSwitch} /></header><${Login} /></div>`;
  }
  if (s.mustChange) {
    return html`<div class="shell"><${Header} me=${s.me} /><${PasswordPage} home=${homeOf(s.me.role)} /></div>`;
  }
  if (path === '/' || path === '/login') {
    queueMicrotask(() => navigate(homeOf(s.me.role)));
    return null;
  }
  return html`<div class="shell"><${Header} me=${s.me} />${page(path, s.me)}</div>`;
}

/* Something the page's Content-Security-Policy blocked is a bug of the UI (or an attack): said
 * as an error, which the browser tests fail on. */
document.addEventListener('securitypolicyviolation', (e) => {
  reportError(new Error(`Content-Security-Policy blocked ${e.blockedURI || 'inline'} (${e.violatedDirective})`));
});

loadSession();
render(html`<${App} />`, document.getElementById('app'));
