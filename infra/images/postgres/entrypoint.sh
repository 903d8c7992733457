#!/bin/bash
# Entrypoint of the locally built PostgreSQL + pgvector image (infra/images.sh), a stand-in for the official
# pgvector/pgvector:pg17 image where no registry is reachable. It honours the environment the official image's
# docker-entrypoint.sh honours, so Aspire's AddPostgres and Testcontainers.PostgreSql drive it unchanged:
#   POSTGRES_USER (default postgres), POSTGRES_PASSWORD (required unless POSTGRES_HOST_AUTH_METHOD=trust),
#   POSTGRES_DB (default = user), POSTGRES_HOST_AUTH_METHOD (default scram-sha-256), POSTGRES_INITDB_ARGS,
#   PGDATA (default /var/lib/postgresql/data), and the scripts in /docker-entrypoint-initdb.d (*.sh, *.sql, *.sql.gz).
# Arguments: `postgres [-c name=value ...]`, or only the -c options (as the official image accepts).
set -Eeuo pipefail

PGBIN=/usr/lib/postgresql/17/bin
export PGDATA="${PGDATA:-/var/lib/postgresql/data}"
export PATH="$PGBIN:$PATH"

if [[ $# -eq 0 || "${1:0:1}" == "-" ]]; then
  set -- postgres "$@"
fi

if [[ "$1" != "postgres" ]]; then
  exec "$@"
fi

# As root: own the data and socket directories, then run this script again as the postgres user.
if [[ "$(id -u)" == "0" ]]; then
  mkdir -p "$PGDATA" /var/run/postgresql
  chown -R postgres:postgres "$PGDATA" /var/run/postgresql
  chmod 700 "$PGDATA"
  chmod 2777 /var/run/postgresql
  exec setpriv --reuid=postgres --regid=postgres --init-groups "$BASH_SOURCE" "$@"
fi

psql_init() { psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --no-password --no-psqlrc "$@"; }

if [[ ! -s "$PGDATA/PG_VERSION" ]]; then
  : "${POSTGRES_USER:=postgres}"
  : "${POSTGRES_DB:=$POSTGRES_USER}"
  auth="${POSTGRES_HOST_AUTH_METHOD:-scram-sha-256}"
  if [[ -z "${POSTGRES_PASSWORD:-}" && "$auth" != "trust" ]]; then
    echo "entrypoint: POSTGRES_PASSWORD is not set (set it, or POSTGRES_HOST_AUTH_METHOD=trust)" >&2
    exit 1
  fi
  # The password goes through a file, never the command line (visible in ps).
  pwfile=$(mktemp)
  printf '%s' "${POSTGRES_PASSWORD:-}" >"$pwfile"
  # shellcheck disable=SC2086 # POSTGRES_INITDB_ARGS is a list of options, as in the official image
  initdb --username="$POSTGRES_USER" --pwfile="$pwfile" ${POSTGRES_INITDB_ARGS:-} >/dev/null
  rm -f "$pwfile"
  printf '\nhost all all all %s\n' "$auth" >>"$PGDATA/pg_hba.conf"
  printf "\nlisten_addresses = '*'\n" >>"$PGDATA/postgresql.auto.conf"

  # A temporary server on the unix socket only, for the database and the init scripts.
  PGPASSWORD="${POSTGRES_PASSWORD:-}" pg_ctl -D "$PGDATA" -w -o "-c listen_addresses=''" start >/dev/null
  export PGPASSWORD="${POSTGRES_PASSWORD:-}"
  if [[ "$POSTGRES_DB" != "postgres" ]]; then
    psql_init --dbname postgres --set db="$POSTGRES_DB" <<<'CREATE DATABASE :"db";' >/dev/null
  fi
  for f in /docker-entrypoint-initdb.d/*; do
    case "$f" in
      *.sh) if [[ -x "$f" ]]; then "$f"; else . "$f"; fi ;;
      *.sql) psql_init --dbname "$POSTGRES_DB" -f "$f" ;;
      *.sql.gz) gunzip -c "$f" | psql_init --dbname "$POSTGRES_DB" ;;
      *) ;;
    esac
  done
  pg_ctl -D "$PGDATA" -m fast -w stop >/dev/null
  unset PGPASSWORD
  echo "entrypoint: database initialised in $PGDATA"
fi

shift
exec postgres "$@"
