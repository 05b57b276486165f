// password.js: choosing one's own password, shown in place of every page after a login with a
// temporary password an admin set (the login answered password_change_required).
import { useState } from 'preact/hooks';
import { html, navigate } from '../ui.js';
import { t } from '../i18n.js';
import { post, passwordChanged } from '../api.js';

const MIN_PASSWORD = 12;

export function PasswordPage({ home }) {
  const [f, setF] = useState({ current: '', next: '', again: '' });
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);
  const set = (k) => (e) => setF({ ...f, [k]: e.target.value });
  const submit = async (e) => {
    e.preventDefault();
    setError('');
    if (f.next.length < MIN_PASSWORD) return setError(t('pw.short', { n: MIN_PASSWORD }));
    if (f.next !== f.again) return setError(t('pw.mismatch'));
    if (f.next === f.current) return setError(t('pw.same'));
    setBusy(true);
    try {
      await post('/api/v1/auth/password', { current_password: f.current, new_password: f.next });
      passwordChanged();
      navigate(home);
    } catch (err) {
      setError(err.status === 403 ? t('pw.wrong_current') : err.message);
      setBusy(false);
    }
  };
  return html`<main id="main" class="narrow">
    <h1>${t('pw.title')}</h1>
    <p>${t('pw.intro')}</p>
    <form onSubmit=${submit}>
      <label for="pw-current">${t('pw.current')}</label>
      <input id="pw-current" type="password" autocomplete="current-password" required value=${f.current} onInput=${set('current')} />
      <label for="pw-new">${t('pw.new')}</label>
      <input id="pw-new" type="password" autocomplete="new-password" required minlength=${MIN_PASSWORD} value=${f.next}
        onInput=${set('next')} aria-describedby="pw-hint" />
      <span id="pw-hint" class="hint">${t('newstaff.password_hint', { n: MIN_PASSWORD })}</span>
      <label for="pw-again">${t('pw.again')}</label>
      <input id="pw-again" type="password" autocomplete="new-password" required value=${f.again} onInput=${set('again')} />
      ${error && html`<div class="error" role="alert"><strong>${t('error.title')}</strong> ${error}</div>`}
      <button type="submit" disabled=${busy}>${t('pw.submit')}</button>
    </form>
  </main>`;
}
