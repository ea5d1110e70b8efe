#!/usr/bin/env bash
# A throwaway PostgreSQL for the program store's tests, on loopback only.
#
#   .ci/postgres.sh start [DIR]   install Debian's postgresql if missing (root), create a cluster
#                                 in DIR (default: a new temporary folder) and start it; prints
#                                 the URL for UMKM_TEST_POSTGRES_URL on stdout
#   .ci/postgres.sh stop DIR      stop that cluster and delete DIR
#
# The cluster trusts connections from 127.0.0.1 (no password), listens nowhere else, keeps its
# socket in DIR and runs with fsync off: fast, and for tests only. Messages go to stderr.
set -euo pipefail

PORT_FROM="${UMKM_PG_PORT:-55432}"
USER_NAME="umkm"
DATABASE="umkm_test"

say() { echo "postgres.sh: $*" >&2; }

pg_bin() {
  local found
  found="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)"
  if [[ -n "$found" && -x "$found/initdb" ]]; then echo "$found"; return 0; fi
  if command -v initdb >/dev/null 2>&1; then dirname "$(command -v initdb)"; return 0; fi
  return 1
}

install_postgres() {
  if [[ "$(id -u)" != 0 ]] || ! command -v apt-get >/dev/null 2>&1; then
    say "PostgreSQL is not installed and cannot be installed here (needs root and apt-get)"
    return 1
  fi
  say "installing Debian's postgresql"
  export DEBIAN_FRONTEND=noninteractive
  apt-get install -y -qq postgresql >/dev/null 2>&1 \
    || { apt-get update -qq >/dev/null && apt-get install -y -qq postgresql >/dev/null; }
}

# Run a PostgreSQL program as the cluster's owner: `postgres` when we are root (initdb and the
# server refuse to run as root), else ourselves.
as_owner() {
  if [[ "$(id -u)" == 0 ]]; then runuser -u postgres -- "$@"; else "$@"; fi
}

start() {
  local dir="${1:-}" bin port
  bin="$(pg_bin)" || { install_postgres && bin="$(pg_bin)"; } || return 1
  [[ -n "$dir" ]] || dir="$(mktemp -d "${TMPDIR:-/tmp}/umkm-postgres.XXXXXX")"
  mkdir -p "$dir"
  [[ "$(id -u)" == 0 ]] && chown postgres: "$dir"
  chmod 700 "$dir"
  as_owner "$bin/initdb" -D "$dir/data" -U "$USER_NAME" --auth=trust --no-locale -E UTF8 \
    >"$dir/initdb.log" 2>&1 || { say "initdb failed, see $dir/initdb.log"; return 1; }
  for port in $(seq "$PORT_FROM" $((PORT_FROM + 20))); do
    if as_owner "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 30 start \
      -o "-c listen_addresses=127.0.0.1 -c port=$port -c unix_socket_directories=$dir -c fsync=off" \
      >/dev/null 2>&1; then
      if ! as_owner "$bin/createdb" -h 127.0.0.1 -p "$port" -U "$USER_NAME" "$DATABASE"; then
        say "createdb failed; stopping the cluster"
        as_owner "$bin/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null 2>&1 || true
        return 1
      fi
      say "started PostgreSQL ($("$bin/postgres" --version)) in $dir on 127.0.0.1:$port"
      say "stop it with: .ci/postgres.sh stop $dir"
      echo "postgresql+psycopg://$USER_NAME@127.0.0.1:$port/$DATABASE"
      return 0
    fi
  done
  say "could not start PostgreSQL on ports $PORT_FROM-$((PORT_FROM + 20)); see $dir/server.log"
  return 1
}

stop() {
  local dir="${1:?usage: .ci/postgres.sh stop DIR}" bin
  bin="$(pg_bin)" || return 1
  if [[ -f "$dir/data/postmaster.pid" ]]; then
    as_owner "$bin/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null
  fi
  rm -rf "$dir"
}

case "${1:-start}" in
  start) start "${2:-}" ;;
  stop) stop "${2:-}" ;;
  *) say "usage: .ci/postgres.sh start [DIR] | stop DIR"; exit 2 ;;
esac
