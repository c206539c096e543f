#!/usr/bin/env bash
# A throwaway PostgreSQL for the Prefect server (CI, or trying the IT guide on one machine).
#
#   eval "$(bash scripts/postgres.sh start)"   # installs Debian's postgresql if missing, starts a
#                                              # cluster on 127.0.0.1 and prints the exports:
#                                              #   PREFECT_SERVER_DATABASE_CONNECTION_URL, PEI_POSTGRES_DIR
#   bash scripts/postgres.sh stop "$PEI_POSTGRES_DIR"   # stops it and deletes its files
#
# PostgreSQL refuses to run as root: as root, the cluster runs as the postgres user (runuser).
# It listens on loopback only, on a free port, with a random password (scram-sha-256).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/apt.sh

pg_bin() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1; }
as_postgres() { if [[ $(id -u) == 0 ]]; then runuser -u postgres -- "$@"; else "$@"; fi; }

case "${1:-start}" in
start)
  [[ -n "$(pg_bin)" ]] || install_missing "PostgreSQL (la base de datos del servidor de Prefect)" postgresql >&2
  bin=$(pg_bin)
  dir=$(mktemp -d /tmp/pei-postgres.XXXXXX)
  chmod 755 "$dir"
  [[ $(id -u) == 0 ]] && chown postgres: "$dir"
  port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  password=$(python3 -c 'import secrets; print(secrets.token_hex(16))')
  as_postgres bash -c "umask 077; echo '$password' > '$dir/pwfile'"
  as_postgres "$bin/initdb" -D "$dir/data" -U postgres --auth=scram-sha-256 --pwfile="$dir/pwfile" >"$dir/initdb.log"
  as_postgres "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
    -o "-c listen_addresses=127.0.0.1 -p $port -k $dir" start >/dev/null
  PGPASSWORD=$password as_postgres "$bin/createdb" -h 127.0.0.1 -p "$port" -U postgres prefect
  echo "export PEI_POSTGRES_DIR=$dir"
  echo "export PREFECT_SERVER_DATABASE_CONNECTION_URL=postgresql+asyncpg://postgres:$password@127.0.0.1:$port/prefect"
  ;;
stop)
  dir=${2:?"uso: postgres.sh stop DIR"}
  as_postgres "$(pg_bin)/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null || true
  rm -rf "$dir"
  ;;
*)
  echo "uso: postgres.sh start | stop DIR" >&2
  exit 2
  ;;
esac
