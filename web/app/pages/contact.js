// contact.js: changing a patient's contact details from the patient page (PATCH
// /api/v1/patients/{id}): phone, the first next of kin, and a move within the municipality
// (a new address needs its coordinates, which the planner routes to). Clinical roles only.
import { useState } from 'preact/hooks';
import { html, ErrorBox, Ok } from '../ui.js';
import { t } from '../i18n.js';
import { patch, session } from '../api.js';

const CLINICAL = ['physician', 'hospital_nurse', 'municipal_nurse', 'super_user'];

function Field({ id, label, value, set, ...rest }) {
  return html`<div class="field"><label for=${id}>${label}</label>
    <input id=${id} value=${value} onInput=${(e) => set(e.target.value)} ...${rest} /></div>`;
}

/* Only what differs from the record is sent, so a change of phone never touches the address. */
function changes(p, f) {
  const out = {};
  if (f.phone.trim() !== (p.phone || '')) out.phone = f.phone.trim();
  const kin = (p.next_of_kin || [])[0] || {};
  if (f.kin_name.trim() !== (kin.name || '') || f.kin_relation.trim() !== (kin.relation || '') ||
      f.kin_phone.trim() !== (kin.phone || '')) {
    out.next_of_kin = f.kin_name.trim()
      ? [{ name: f.kin_name.trim(), relation: f.kin_relation.trim(), phone: f.kin_phone.trim() }, ...(p.next_of_kin || []).slice(1)]
      : (p.next_of_kin || []).slice(1);
  }
  if (f.address.trim() !== p.address || Number(f.lat) !== p.lat || Number(f.lon) !== p.lon) {
    Object.assign(out, { address: f.address.trim(), lat: Number(f.lat.replace(',', '.')), lon: Number(f.lon.replace(',', '.')) });
  }
  return out;
}

export function ContactEdit({ patient, onSaved }) {
  const me = session.value?.me;
  const kin = (patient.next_of_kin || [])[0] || {};
  const initial = { phone: patient.phone || '', kin_name: kin.name || '', kin_relation: kin.relation || '',
    kin_phone: kin.phone || '', address: patient.address, lat: String(patient.lat), lon: String(patient.lon) };
  const [open, setOpen] = useState(false);
  const [f, setF] = useState(initial);
  const [error, setError] = useState(null);
  const [ok, setOk] = useState('');
  const [busy, setBusy] = useState(false);
  if (!me || !CLINICAL.includes(me.role)) return null;
  const set = (k) => (v) => setF({ ...f, [k]: v });
  const submit = async (e) => {
    e.preventDefault();
    const body = changes(patient, f);
    setError(null);
    setOk('');
    if (Object.keys(body).length === 0) {
      setOk(t('contact.unchanged'));
      return;
    }
    setBusy(true);
    try {
      const p = await patch(`/api/v1/patients/${patient.id}`, body);
      setOk(t('contact.saved'));
      setOpen(false);
      onSaved?.(p);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  if (!open) {
    return html`<div><button type="button" onClick=${() => { setF(initial); setOpen(true); setOk(''); }}>${t('contact.edit')}</button>
      <${Ok} text=${ok} /></div>`;
  }
  return html`<form class="card" onSubmit=${submit} aria-labelledby="contact-h">
    <h2 id="contact-h">${t('contact.title')}</h2>
    <${ErrorBox} error=${error} />
    <${Field} id="c-phone" label=${t('patient.phone')} value=${f.phone} set=${set('phone')} type="tel" autocomplete="off" />
    <fieldset><legend>${t('patient.next_of_kin')}</legend>
      <${Field} id="c-kin-name" label=${t('patient.name')} value=${f.kin_name} set=${set('kin_name')} />
      <${Field} id="c-kin-rel" label=${t('contact.relation')} value=${f.kin_relation} set=${set('kin_relation')} />
      <${Field} id="c-kin-phone" label=${t('patient.phone')} value=${f.kin_phone} set=${set('kin_phone')} type="tel" />
    </fieldset>
    <fieldset><legend>${t('contact.move')}</legend>
      <p class="hint">${t('contact.move_hint')}</p>
      <${Field} id="c-address" label=${t('patient.address')} value=${f.address} set=${set('address')} required />
      <${Field} id="c-lat" label=${t('referral.lat')} value=${f.lat} set=${set('lat')} inputmode="decimal" required />
      <${Field} id="c-lon" label=${t('referral.lon')} value=${f.lon} set=${set('lon')} inputmode="decimal" required />
    </fieldset>
    <p><button type="submit" disabled=${busy}>${t('common.save')}</button>
      <button type="button" onClick=${() => setOpen(false)}>${t('contact.cancel')}</button></p>
  </form>`;
}
