#!/usr/bin/env bash
# PostgreSQL 15 + pgvector for one FaceAspire instance, on loopback, with its data under .infra/<instance>/pg.
#   postgres.sh start [--fast]   initialise on first use, start, wait until ready, print elapsed seconds
#   postgres.sh stop             fast shutdown; no process of this instance is left
#   postgres.sh status           exit 0 when running and accepting connections, 3 when stopped
#   postgres.sh psql [owner|app] [psql args...]   superuser over the private socket, or a role over TCP
#   postgres.sh url [owner|app]  Npgsql connection string (default: app)
# Env: FACEASPIRE_INFRA_INSTANCE (dev), FACEASPIRE_PG_PORT (dev 26432, test 26433),
#      FACEASPIRE_PG_FAST=1|0 (default 1 for the test instance only): fsync/synchronous_commit/full_page_writes off.
#      FACEASPIRE_PG_SHARED_BUFFERS (1GB): size it to hold the HNSW index, about 2.6 KB per stored face.
# As root the server runs as the `postgres` user (pg_ctl refuses root); otherwise as the invoking user.
# shellcheck source=infra/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

PG_BIN=/usr/lib/postgresql/15/bin

if [[ $EUID -eq 0 ]]; then
  PG_OS_USER=postgres
  as_pg() { runuser -u postgres -- "$@"; }
else
  PG_OS_USER=$(id -un)
  as_pg() { "$@"; }
fi

# The postgres user must traverse every parent of the data directory. A checkout under a 0700 home (e.g.
# /root) does not allow that, and unix socket paths are limited to 107 bytes; in either case the instance's
# pg directory lives under /var/tmp and .infra/<instance>/pg is a symlink to it.
place_pg_dir() {
  [[ -e "$PG_LINK" ]] && return 0
  mkdir -p "$INSTANCE_DIR"
  local sock_len=$(( ${#PG_LINK} + 20 ))   # <pg>/run/.s.PGSQL.<port>
  if as_pg test -x "$INSTANCE_DIR" && as_pg test -r "$INSTANCE_DIR" && ((sock_len < 100)); then
    mkdir -p "$PG_LINK"
  else
    local target
    target="/var/tmp/faceaspire-$(printf '%s' "$INSTANCE_DIR" | cksum | cut -d' ' -f1)/pg"
    log "postgres cannot reach $INSTANCE_DIR (or socket path too long): data in $target"
    rm -rf "$target"   # a leftover from a deleted .infra/ whose passwords are gone
    mkdir -p "$target"
    chmod 755 "$(dirname "$target")"
    ln -s "$target" "$PG_LINK"
  fi
}

initialise() {
  place_pg_dir
  resolve_pg_paths
  mkdir -p "$PG_RUN" "$(dirname "$PG_LOG")"
  chmod 700 "$PG_RUN"
  [[ $EUID -eq 0 ]] && chown -R "$PG_OS_USER:" "$PG_LINK/"
  [[ -f "$PGDATA/PG_VERSION" ]] && return 0
  log "initdb $PGDATA"
  # -N: no fsync during initdb (1-2 s saved); a crash during the first init just means deleting .infra/.
  as_pg "$PG_BIN/initdb" -D "$PGDATA" -U postgres -E UTF8 --locale=C.UTF-8 -N \
    --auth-local=trust --auth-host=scram-sha-256 >/dev/null
  as_pg tee -a "$PGDATA/postgresql.conf" >/dev/null <<EOF

# --- FaceAspire (infra/postgres.sh): loopback only, private socket, modest memory ---
listen_addresses = '127.0.0.1'
unix_socket_directories = '$PG_RUN'
unix_socket_permissions = 0700
max_connections = 100
password_encryption = scram-sha-256
max_wal_size = 512MB
log_line_prefix = '%m [%p] %q%u@%d '
EOF
  # The socket is reachable only by the server user (0700), so trust there is no wider than peer; over TCP
  # every role needs its password and the superuser cannot log in at all.
  as_pg tee "$PGDATA/pg_hba.conf" >/dev/null <<'EOF'
# TYPE  DATABASE  USER      ADDRESS        METHOD
local   all       all                      trust
host    all       postgres  127.0.0.1/32   reject
host    all       all       127.0.0.1/32   scram-sha-256
EOF
}

is_running() { [[ -f "$PGDATA/PG_VERSION" ]] && as_pg "$PG_BIN/pg_ctl" -D "$PGDATA" status >/dev/null 2>&1; }

su_psql() { as_pg "$PG_BIN/psql" -h "$PG_RUN" -p "$PG_PORT" -U postgres -X -q -v ON_ERROR_STOP=1 "$@"; }

# Roles, database, grants and the extension. Idempotent and run on every start (about 50 ms): it also
# re-applies the passwords from secrets.env, so a regenerated secrets file never locks the project out.
bootstrap() {
  su_psql -d postgres <<EOF
SELECT 'CREATE ROLE $PG_OWNER LOGIN' WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '$PG_OWNER')\gexec
SELECT 'CREATE ROLE $PG_APP LOGIN' WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '$PG_APP')\gexec
ALTER ROLE $PG_OWNER LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE PASSWORD '$PG_OWNER_PASSWORD';
ALTER ROLE $PG_APP LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE PASSWORD '$PG_APP_PASSWORD';
SELECT 'CREATE DATABASE $PG_DB OWNER $PG_OWNER' WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = '$PG_DB')\gexec
EOF
  # The app role: connect, read and write rows, use sequences; no DDL (schema CREATE stays with the owner,
  # who in PG 15 owns public through pg_database_owner). Default privileges cover tables the owner's
  # migrations create later, in any schema.
  su_psql -d "$PG_DB" <<EOF
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS vector;
REVOKE ALL ON DATABASE $PG_DB FROM PUBLIC;
GRANT CONNECT ON DATABASE $PG_DB TO $PG_APP;
REVOKE CREATE ON SCHEMA public FROM PUBLIC;
GRANT USAGE ON SCHEMA public TO $PG_APP;
ALTER DEFAULT PRIVILEGES FOR ROLE $PG_OWNER GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO $PG_APP;
ALTER DEFAULT PRIVILEGES FOR ROLE $PG_OWNER GRANT USAGE ON SEQUENCES TO $PG_APP;
EOF
}

start() {
  local fast="${FACEASPIRE_PG_FAST:-}"
  [[ "${1:-}" == "--fast" ]] && fast=1
  [[ -z "$fast" && "$INSTANCE" == test ]] && fast=1
  local t0
  t0=$(now_ms)
  ensure_secrets
  [[ -x "$PG_BIN/postgres" ]] || die "PostgreSQL 15 is not installed: run infra/install.sh"
  initialise
  if is_running; then
    log "PostgreSQL already running on 127.0.0.1:$PG_PORT"
  else
    port_open "$PG_PORT" && die "port $PG_PORT is taken by another process (set FACEASPIRE_PG_PORT)"
    warn_ephemeral "$PG_PORT"
    # shared_buffers is set on every start (not in postgresql.conf) so existing instances pick up a change. The
    # HNSW index must stay in it: at 100k faces the index is 260 MB (about 2.6 KB per face), and with the old
    # 64 MB each match read ~1,400 pages through the OS cache: p50 6.4 ms vs 2.1 ms all-hit (measured, bench).
    local opts="-p $PG_PORT -c shared_buffers=${FACEASPIRE_PG_SHARED_BUFFERS:-1GB}"
    # Throw-away test data: durability traded for speed (crash = re-create the instance).
    [[ "$fast" == 1 ]] && opts+=" -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
    if ! as_pg "$PG_BIN/pg_ctl" -D "$PGDATA" -l "$PG_LOG" -o "$opts" -w -t 60 start >/dev/null; then
      tail -n 20 "$PG_LOG" >&2 || true
      die "PostgreSQL did not start (log: $PG_LOG)"
    fi
  fi
  "$PG_BIN/pg_isready" -q -h 127.0.0.1 -p "$PG_PORT" -t 10 || die "pg_isready failed on port $PG_PORT"
  bootstrap
  log "PostgreSQL ready on 127.0.0.1:$PG_PORT (fast=${fast:-0}) in $(elapsed "$t0") s"
}

stop() {
  local t0
  t0=$(now_ms)
  if is_running; then
    as_pg "$PG_BIN/pg_ctl" -D "$PGDATA" -m fast -w -t 30 stop >/dev/null ||
      as_pg "$PG_BIN/pg_ctl" -D "$PGDATA" -m immediate -w -t 10 stop >/dev/null
  fi
  # pg_ctl returns once the postmaster has removed its pid file, which it does just before it exits (a test once
  # found it still there, and its stop failed).
  gone_within_5s "-D $PGDATA" || die "a postgres process for $PGDATA is still running"
  log "PostgreSQL stopped in $(elapsed "$t0") s"
}

status() {
  if is_running && "$PG_BIN/pg_isready" -q -h 127.0.0.1 -p "$PG_PORT" -t 2; then
    echo "running on 127.0.0.1:$PG_PORT"
    return 0
  fi
  echo "stopped"
  return 3
}

role_user() {
  case "${1:-app}" in
    owner) echo "$PG_OWNER $PG_OWNER_PASSWORD" ;;
    app) echo "$PG_APP $PG_APP_PASSWORD" ;;
    *) die "role must be owner or app (got '$1')" ;;
  esac
}

url() {
  [[ -s "$SECRETS_FILE" ]] || die "instance '$INSTANCE' not initialised: run infra/postgres.sh start"
  ensure_secrets
  local user pass
  read -r user pass < <(role_user "${1:-app}")
  echo "Host=127.0.0.1;Port=$PG_PORT;Database=$PG_DB;Username=$user;Password=$pass"
}

psql_cmd() {
  if [[ "${1:-}" == owner || "${1:-}" == app ]]; then
    ensure_secrets
    local user pass
    read -r user pass < <(role_user "$1")
    shift
    PGPASSWORD="$pass" "$PG_BIN/psql" -h 127.0.0.1 -p "$PG_PORT" -U "$user" -d "$PG_DB" -X "$@"
  else
    as_pg "$PG_BIN/psql" -h "$PG_RUN" -p "$PG_PORT" -U postgres -d "$PG_DB" -X "$@"
  fi
}

cmd="${1:-}"
[[ "$cmd" == start || "$cmd" == stop ]] && serialise postgres "$@"
shift || true
case "$cmd" in
  start) start "$@" ;;
  stop) stop ;;
  status) status ;;
  psql) psql_cmd "$@" ;;
  url) url "$@" ;;
  *) echo "usage: $0 {start [--fast]|stop|status|psql [owner|app] [args]|url [owner|app]}" >&2; exit 2 ;;
esac
