"""The two backends carry one schema: a new SQLite migration without its PostgreSQL twin (or the
other way round) fails here. Both fresh databases are migrated by heime itself (`heime audit
verify` opens and migrates them); then the schema version, the tables, each table's columns
and NOT NULL constraints, and the index names must agree. Runs when HEIME_TEST_PG names a
PostgreSQL server (make check starts one)."""
import subprocess

import pytest

from conftest import HEIME, PG, ROOT, db_sql, new_db

pytestmark = pytest.mark.skipif(not PG, reason="needs HEIME_TEST_PG (a PostgreSQL server)")


def migrated(url):
    r = subprocess.run([HEIME, "audit", "verify", "--db", url], cwd=ROOT, capture_output=True,
                       text=True, timeout=60)
    assert r.returncode == 0, r.stderr
    return url


def sqlite_schema(url):
    tables = [r[0] for r in db_sql(url, "SELECT name FROM sqlite_master WHERE type = 'table'"
                                        " AND name NOT LIKE 'sqlite_%'")]
    cols = {t: {(r[1], bool(r[3]) or bool(r[5])) for r in db_sql(url, f'PRAGMA table_info("{t}")')}
            for t in tables}
    indexes = {r[0] for r in db_sql(url, "SELECT name FROM sqlite_master WHERE type = 'index'"
                                         " AND name NOT LIKE 'sqlite_%'")}
    return cols, indexes


def pg_schema(url):
    rows = db_sql(url, "SELECT table_name, column_name, is_nullable = 'NO' FROM"
                       " information_schema.columns WHERE table_schema = 'public'")
    cols = {}
    for table, column, not_null in rows:
        cols.setdefault(table, set()).add((column, bool(not_null)))
    # PostgreSQL names the indexes behind PRIMARY KEY and UNIQUE constraints itself; SQLite's are
    # unnamed (sqlite_autoindex_*): compare the ones a migration named
    indexes = {r[0] for r in db_sql(url, "SELECT indexname FROM pg_indexes WHERE schemaname ="
                                         " 'public' AND indexname NOT IN (SELECT conname FROM"
                                         " pg_constraint)")}
    return cols, indexes


def test_both_backends_have_the_same_schema(tmp_path):
    lite = migrated("sqlite:" + str(tmp_path / "parity.db"))
    pg = migrated(new_db(str(tmp_path), "parity"))
    assert db_sql(lite, "SELECT max(version) FROM schema_version") == \
        db_sql(pg, "SELECT max(version) FROM schema_version")
    lite_cols, lite_idx = sqlite_schema(lite)
    pg_cols, pg_idx = pg_schema(pg)
    assert set(lite_cols) == set(pg_cols)
    for table in lite_cols:
        assert lite_cols[table] == pg_cols[table], table
    assert lite_idx == pg_idx

