// routes.js: a day's tasks as the nurses' routes, for the worklist and its sketch. Pure (no
// DOM), so that node can test it (tests/browser/routes.test.mjs).
import { t } from './i18n.js';

/* [staff id (0: not on a route), the nurse's name, tasks in route order], the routes by id. A
 * visit two nurses make together is on both routes: on the partner's with her route order. */
export function groups(tasks) {
  const by = new Map();
  const names = new Map();
  const add = (k, task) => {
    if (!by.has(k)) by.set(k, []);
    by.get(k).push(task);
  };
  for (const task of tasks) {
    const k = task.assigned_staff_id ?? 0;
    const both = task.partner_staff_id != null;
    add(k, both ? { ...task, with_name: task.partner_staff } : task);
    if (k && task.assigned_staff) names.set(k, task.assigned_staff);
    if (both) {
      add(task.partner_staff_id, { ...task, route_order: task.partner_route_order, with_name: task.assigned_staff });
      names.set(task.partner_staff_id, task.partner_staff);
    }
  }
  for (const list of by.values()) {
    list.sort((a, b) => (a.route_order ?? 1e9) - (b.route_order ?? 1e9) || a.window_start.localeCompare(b.window_start));
  }
  return [...by.entries()].sort((a, b) => (a[0] === 0) - (b[0] === 0) || a[0] - b[0])
    .map(([id, list]) => [id, names.get(id) || t('worklist.nurse_n', { id }), list]);
}
