// routes.test.mjs: the worklist's grouping of a day's tasks into the nurses' routes
// (web/app/routes.js): route order within a route, the unplanned last, and a visit two nurses
// make together on both routes, with each nurse's own route order. Runs without a browser.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { ROOT } from './lib.mjs';

const { groups } = await import(join(ROOT, 'web', 'app', 'routes.js'));

const task = (id, staff, order, more = {}) => ({
  id, assigned_staff_id: staff, assigned_staff: staff ? `Nurse ${staff}` : null, route_order: order,
  window_start: `2026-11-26T0${id % 10}:00:00+01:00`, nurses: 1, partner_staff_id: null, ...more,
});

test('routes in route order, the unplanned last', () => {
  const g = groups([task(1, 7, 2), task(2, null, null), task(3, 7, 1), task(4, 5, 1)]);
  assert.deepEqual(g.map(([id, , list]) => [id, list.map((x) => x.id)]), [[5, [4]], [7, [3, 1]], [0, [2]]]);
  assert.deepEqual(g.slice(0, 2).map(([, name]) => name), ['Nurse 5', 'Nurse 7']);
});

test('a visit of two nurses is on both routes, each with her own order and the other named', () => {
  const both = task(9, 7, 2, { nurses: 2, partner_staff_id: 5, partner_staff: 'Nurse 5', partner_route_order: 1 });
  const g = new Map(groups([task(1, 7, 1), both, task(4, 5, 2)]).map(([id, , list]) => [id, list]));
  assert.deepEqual(g.get(7).map((x) => [x.id, x.route_order, x.with_name ?? null]), [[1, 1, null], [9, 2, 'Nurse 5']]);
  assert.deepEqual(g.get(5).map((x) => [x.id, x.route_order, x.with_name ?? null]), [[9, 1, 'Nurse 7'], [4, 2, null]]);
  assert.equal(both.with_name, undefined, 'the task itself is not changed');
});
