#!/usr/bin/env bash
# A throwaway PostgreSQL + PostGIS cluster for the tests, on a Unix socket only (no TCP).
#
#   scripts/pg_test_cluster.sh start DIR   initdb DIR/data, start the server with its socket in
#                                          DIR, create database townsgis_test with PostGIS;
#                                          prints the connection URL (libpq) on stdout
#   scripts/pg_test_cluster.sh stop DIR    stop that server and delete DIR
#
# PostgreSQL refuses to run as root: run as root (CI), the server runs as the `postgres`
# system user (created when missing) through runuser. Authentication is `trust` on the
# socket, which only the owner of DIR can reach. tests/conftest.py calls this for the test
# session unless TOWNSGIS_TEST_PG_DSN names a server to use instead.
set -euo pipefail

cmd=${1:-}
dir=${2:-}
if [[ -z "$cmd" || -z "$dir" ]]; then
  echo "usage: $0 start|stop DIR" >&2
  exit 2
fi
pg_bin=${PG_BIN:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)}
if [[ -z "$pg_bin" || ! -x "$pg_bin/initdb" ]]; then
  echo "$0: PostgreSQL server binaries not found (apt-get install postgresql postgis)" >&2
  exit 2
fi

as_owner=()
if [[ "$(id -u)" -eq 0 ]]; then
  if ! id postgres >/dev/null 2>&1; then
    useradd --system --user-group --no-create-home --home-dir /nonexistent postgres
  fi
  as_owner=(runuser -u postgres --)
fi

case "$cmd" in
start)
  mkdir -p "$dir"
  dir=$(cd "$dir" && pwd)
  [[ ${#as_owner[@]} -eq 0 ]] || chown postgres: "$dir"
  chmod 700 "$dir"
  "${as_owner[@]}" "$pg_bin/initdb" -D "$dir/data" -U postgres --auth=trust -E UTF8 \
    --no-locale >"$dir/initdb.log" 2>&1 || { cat "$dir/initdb.log" >&2; exit 1; }
  opts="-c listen_addresses='' -k $dir -p 5432 -c fsync=off -c full_page_writes=off"
  opts+=" -c synchronous_commit=off -c max_connections=50"
  if ! "${as_owner[@]}" "$pg_bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
    -o "$opts" start >/dev/null; then
    cat "$dir/server.log" >&2
    exit 1
  fi
  psql=("$pg_bin/psql" -X -q -v ON_ERROR_STOP=1 -h "$dir" -p 5432 -U postgres)
  # a server that started but cannot serve PostGIS is stopped, not left running
  if ! { "${psql[@]}" -d postgres -c "CREATE DATABASE townsgis_test" &&
    "${psql[@]}" -d townsgis_test -c "CREATE EXTENSION postgis"; } >&2; then
    "${as_owner[@]}" "$pg_bin/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null || true
    echo "$0: PostGIS is not available to this server (apt-get install postgresql-postgis)" >&2
    exit 1
  fi
  echo "postgresql://postgres@/townsgis_test?host=$dir&port=5432"
  ;;
stop)
  if [[ -f "$dir/data/postmaster.pid" ]]; then
    "${as_owner[@]}" "$pg_bin/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null || true
  fi
  rm -rf "$dir"
  ;;
*)
  echo "usage: $0 start|stop DIR" >&2
  exit 2
  ;;
esac
