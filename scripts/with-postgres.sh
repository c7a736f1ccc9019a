#!/usr/bin/env bash
# Run a command against a throwaway PostgreSQL cluster: initdb in a temporary directory, a free
# port on 127.0.0.1, DATABASE_URL pointing at it, and the cluster stopped and removed afterwards.
# Without initdb the run is skipped with a clear line, unless REQUIRE_POSTGRES=1; with
# `--or-sqlite` first, it then runs on SQLite instead of being skipped. `--available` alone
# answers (exit status 0 or 1) whether this machine can run a cluster.
set -euo pipefail

or_sqlite=0
available=0
if [ "${1:-}" = "--or-sqlite" ]; then
  or_sqlite=1
  shift
elif [ "${1:-}" = "--available" ]; then
  available=1
fi

if ! command -v initdb >/dev/null 2>&1; then
  for bin in /usr/lib/postgresql/*/bin; do
    [ -x "$bin/initdb" ] && PATH="$bin:$PATH"
  done
fi
if [ "$available" = "1" ]; then
  command -v initdb >/dev/null 2>&1
  exit
fi
if ! command -v initdb >/dev/null 2>&1; then
  if [ "${REQUIRE_POSTGRES:-0}" = "1" ]; then
    echo "PostgreSQL: initdb not found, and REQUIRE_POSTGRES=1 demands the PostgreSQL run" >&2
    exit 1
  fi
  if [ "$or_sqlite" = "1" ]; then
    echo "PostgreSQL: initdb is not on this machine; running on SQLite instead"
    DATABASE_URL= exec "$@"
  fi
  echo "PostgreSQL: SKIPPED (initdb is not on this machine; set REQUIRE_POSTGRES=1 to fail instead)"
  exit 0
fi

dir=$(mktemp -d)
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
as_owner=()
if [ "$(id -u)" = "0" ]; then
  # initdb refuses to run as root: the cluster belongs to the postgres user.
  chown postgres "$dir"
  as_owner=(runuser -u postgres --)
fi

stop() {
  cd /
  "${as_owner[@]}" pg_ctl -D "$dir/data" -m immediate -w stop >/dev/null 2>&1 || true
  rm -rf "$dir"
}
trap stop EXIT

here=$PWD
cd "$dir"  # the postgres user may not enter the caller's directory
"${as_owner[@]}" initdb -D "$dir/data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >"$dir/initdb.log"
"${as_owner[@]}" pg_ctl -D "$dir/data" -l "$dir/server.log" -w \
  -o "-h 127.0.0.1 -p $port -k $dir -c fsync=off -c full_page_writes=off" start >/dev/null
echo "PostgreSQL: throwaway cluster $(postgres --version 2>/dev/null || pg_ctl --version) on 127.0.0.1:$port"
cd "$here"
DATABASE_URL="postgres://postgres@127.0.0.1:$port/postgres" "$@"
