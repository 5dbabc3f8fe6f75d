#!/usr/bin/env bash
# A throwaway PostgreSQL server for the test suite: `start` prints the DATABASE_URL to
# export as CHAT_HISTORY_TEST_POSTGRES_URL, `stop` stops it and removes its files.
# Used by .ci/run; developers can run it too:
#   eval "$(scripts/test-postgres.sh start)"   # exports CHAT_HISTORY_TEST_POSTGRES_URL
#   npm test
#   scripts/test-postgres.sh stop
# The cluster lives in $PGTEST_DIR (default /tmp/chat-history-pg), listens on 127.0.0.1
# only, trusts local connections (it is a test server), and is owned by the `postgres`
# user when run as root (the server refuses to run as root).
set -euo pipefail

DIR="${PGTEST_DIR:-/tmp/chat-history-pg}"
PORT="${PGTEST_PORT:-54329}"

find_bin() {
  if [ -n "${PG_BIN:-}" ]; then echo "$PG_BIN"; return; fi
  local found
  found=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1 || true)
  if [ -z "$found" ] && command -v pg_ctl >/dev/null; then found=$(dirname "$(command -v pg_ctl)"); fi
  echo "$found"
}

as_owner() {
  if [ "$(id -u)" = 0 ]; then
    # runuser keeps the environment; -u needs util-linux (always on Debian).
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

case "${1:-}" in
  start)
    BIN=$(find_bin)
    if [ -z "$BIN" ] || [ ! -x "$BIN/initdb" ]; then
      echo "PostgreSQL server binaries not found: apt-get install -y postgresql (or set PG_BIN)" >&2
      exit 1
    fi
    # A server left running from an earlier start: stop it before its files go.
    "$0" stop
    if [ "$(id -u)" = 0 ] && ! id postgres >/dev/null 2>&1; then
      useradd --system --home-dir "$DIR" --shell /bin/false postgres
    fi
    rm -rf "$DIR"
    mkdir -p "$DIR"
    [ "$(id -u)" = 0 ] && chown postgres "$DIR"
    # UTF8 and a UTF-8 locale, as any production database: search normalises text with
    # normalize() (UTF8 only) and Unicode-aware lower()/regex classes.
    as_owner "$BIN/initdb" -D "$DIR/data" -A trust -U postgres -E UTF8 --locale=C.UTF-8 >"$DIR/initdb.log" 2>&1 \
      || { cat "$DIR/initdb.log" >&2; exit 1; }
    # autovacuum_naptime=1: statistics follow the suite's bulk loads within a second, as they
    # do in a database that has been running for a while. With the default minute, a test that
    # bulk-loads 20,000 messages and forks them at once (test:hostile, fork-20k) sometimes ran
    # against plans made for near-empty tables: 28-44 s instead of ~1.5 s (see issue 11's note).
    as_owner "$BIN/pg_ctl" -D "$DIR/data" -l "$DIR/server.log" -w start \
      -o "-p $PORT -k $DIR -c listen_addresses=127.0.0.1 -c max_connections=300 -c fsync=off -c autovacuum_naptime=1" >/dev/null \
      || { cat "$DIR/server.log" >&2; exit 1; }
    echo "export CHAT_HISTORY_TEST_POSTGRES_URL=postgresql://postgres@127.0.0.1:$PORT/postgres"
    ;;
  stop)
    BIN=$(find_bin)
    if [ -f "$DIR/data/postmaster.pid" ]; then
      as_owner "$BIN/pg_ctl" -D "$DIR/data" -m fast -w stop >/dev/null || true
    fi
    rm -rf "$DIR"
    ;;
  *)
    echo "usage: $0 start|stop" >&2
    exit 2
    ;;
esac
