// The database of a heime the JavaScript suites start (browser, FHIR): a file in the test's
// temporary folder, or, when HEIME_TEST_PG names a PostgreSQL server (postgresql://user@host:port/,
// as scripts/pg-test.sh prints it), a new database of its own there, as the end-to-end suite does.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { basename, join } from 'node:path';

// psql of the newest PostgreSQL installed (Debian keeps each version's tools apart)
function psql() {
  const root = '/usr/lib/postgresql';
  const versions = existsSync(root) ? readdirSync(root).sort((a, b) => Number(a) - Number(b)) : [];
  for (const v of versions.reverse()) {
    const p = join(root, v, 'bin', 'psql');
    if (existsSync(p)) return p;
  }
  return 'psql';
}

export function testDb(tmp) {
  const pg = process.env.HEIME_TEST_PG;
  if (!pg) return 'sqlite:' + join(tmp, 'heime.db');
  const name = 'js_' + basename(tmp).replace(/[^A-Za-z0-9]/g, '_').toLowerCase();
  execFileSync(psql(), ['-q', '-d', pg + 'heime', '-c', `CREATE DATABASE ${name}`]);
  return pg + name;
}
