// data.js: reference data that rarely changes (pathway templates, drugs, organisations),
// fetched once per session and shared by the pages.
import { get } from './api.js';

const cache = new Map();
function once(path) {
  if (!cache.has(path)) {
    const p = get(path);
    p.catch(() => cache.delete(path));
    cache.set(path, p);
  }
  return cache.get(path);
}

export const pathways = () => once('/api/v1/pathways');
export const drugs = () => once('/api/v1/drugs');
export const orgs = () => once('/api/v1/orgs');

/* The template of a task kind (and its pathway's fields), searching every pathway. */
export async function taskTemplate(kind, pathwayId) {
  const all = await pathways();
  const order = [...all].sort((a, b) => (b.id === pathwayId) - (a.id === pathwayId));
  for (const p of order) {
    const tk = (p.tasks || []).find((x) => x.id === kind);
    if (tk) return tk;
  }
  return null;
}
