"""`heime demo --plan` (make run): the demo's zones get routes for today and tomorrow, so a new
user's worklists show each nurse's visits in route order with planned times; a day someone
already planned is left alone."""
import subprocess

from conftest import HEIME, ROOT, db_sql, new_db


def demo(db, *args):
    return subprocess.run([HEIME, "demo", "--db", db, "--load-only", *args], cwd=ROOT,
                          capture_output=True, text=True, timeout=300)


def routes(db):
    return db_sql(db, "SELECT t.id, t.local_date, t.assigned_staff_id, t.route_order, t.planned_ms"
                      " FROM task t JOIN org o ON o.id = t.org_id WHERE o.kind = 'zone' AND"
                      " t.route_order IS NOT NULL ORDER BY t.id")


def test_demo_plans_the_zones_days_once(tmp_path):
    db = new_db(str(tmp_path), "demo")
    r = demo(db, "--plan")
    assert r.returncode == 0, r.stderr
    assert "planned the routes of" in r.stderr
    planned = routes(db)
    assert len({row[1] for row in planned}) == 2, "today and tomorrow"
    assert all(row[2] is not None and row[4] is not None for row in planned)
    # each nurse's day is one sequence of route orders
    per_nurse = {}
    for _, date, staff, order, _ in planned:
        per_nurse.setdefault((date, staff), []).append(order)
    assert all(len(o) == len(set(o)) for o in per_nurse.values())

    again = demo(db, "--plan")
    assert again.returncode == 0, again.stderr
    assert "planned the routes of 0 zone days" in again.stderr
    assert routes(db) == planned
