#!/usr/bin/env bash
# A throwaway PostgreSQL server for the test suites, on loopback, in a directory of its own:
#   scripts/pg-test.sh start DIR   creates a cluster in DIR, starts it on a free port and prints
#                                  its base URL (postgresql://heime@127.0.0.1:PORT/); the
#                                  database "heime" exists, tests create more as they need
#   scripts/pg-test.sh stop DIR    stops it (the directory is the caller's to remove)
# As root, the server runs as the "postgres" user (PostgreSQL refuses to run as root), so DIR
# must be reachable by that user (e.g. its own mktemp -d under /tmp).
# fsync is off: the tests check what heime does with the database, not the server's own
# durability, and a throwaway cluster needs none. PG_TEST_DURABLE=1 keeps PostgreSQL's durable
# defaults (fsync, synchronous_commit on), for benchmarks that compare with SQLite's
# synchronous=FULL.
set -euo pipefail

cmd="${1:-}"
dir="${2:-}"
[ -n "$cmd" ] && [ -n "$dir" ] || { echo "usage: $0 start|stop DIR" >&2; exit 2; }

bin="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)"
[ -x "$bin/postgres" ] || { echo "pg-test: no PostgreSQL server installed (apt-get install postgresql)" >&2; exit 1; }

as=()
if [ "$(id -u)" -eq 0 ]; then
    as=(runuser -u postgres --)
fi

case "$cmd" in
start)
    mkdir -p "$dir"
    [ ${#as[@]} -eq 0 ] || chown postgres "$dir"
    port="$(/usr/bin/python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
    "${as[@]}" "$bin/initdb" -D "$dir/data" -U heime -A trust -E UTF8 --locale=C --no-sync \
        > "$dir/initdb.log" 2>&1 || { cat "$dir/initdb.log" >&2; exit 1; }
    opts="-h 127.0.0.1 -p $port -k $dir -c max_connections=400"
    [ "${PG_TEST_DURABLE:-}" = 1 ] || opts="$opts -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
    "${as[@]}" "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 -o "$opts" \
        start > /dev/null || { cat "$dir/server.log" >&2; exit 1; }
    echo "$port" > "$dir/port"
    "${as[@]}" "$bin/createdb" -h 127.0.0.1 -p "$port" -U heime heime
    echo "postgresql://heime@127.0.0.1:$port/"
    ;;
stop)
    [ -d "$dir/data" ] || exit 0
    "${as[@]}" "$bin/pg_ctl" -D "$dir/data" -m immediate -w stop > /dev/null 2>&1 || true
    ;;
*)
    echo "usage: $0 start|stop DIR" >&2; exit 2
    ;;
esac
