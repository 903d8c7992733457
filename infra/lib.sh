# shellcheck shell=bash
# shellcheck disable=SC2034  # the variables are used by the scripts that source this file
# Shared settings for the infra/ scripts: repository root, instance name, directories, ports and secrets.
# Sourced, never run. Every value can be overridden by the environment so that the AppHost, the tests and
# .ci/run can run several instances (dev, test, ...) side by side on one machine.

set -euo pipefail

INFRA_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_ROOT="$(cd "$INFRA_DIR/.." && pwd)"

INSTANCE="${FACEASPIRE_INFRA_INSTANCE:-dev}"
if [[ ! "$INSTANCE" =~ ^[a-z][a-z0-9-]{0,30}$ ]]; then
  echo "FACEASPIRE_INFRA_INSTANCE must match ^[a-z][a-z0-9-]{0,30}\$ (got '$INSTANCE')" >&2
  exit 2
fi

# .infra/ is git-ignored; FACEASPIRE_INFRA_ROOT moves it (e.g. onto a tmpfs).
INFRA_ROOT="${FACEASPIRE_INFRA_ROOT:-$REPO_ROOT/.infra}"
INSTANCE_DIR="$INFRA_ROOT/$INSTANCE"
CACHE_DIR="$INFRA_ROOT/cache"
SECRETS_FILE="$INSTANCE_DIR/secrets.env"
PG_LINK="$INSTANCE_DIR/pg"          # a directory, or a symlink when postgres cannot reach the checkout
# Paths handed to the server are the resolved ones: the postgres user may be unable to follow the link.
resolve_pg_paths() {
  PG_DIR=$(readlink -f "$PG_LINK" 2>/dev/null || echo "$PG_LINK")
  PGDATA="$PG_DIR/data"
  PG_RUN="$PG_DIR/run"               # unix socket directory, mode 700
  PG_LOG="$PG_DIR/log/postgres.log"
}
resolve_pg_paths
RMQ_DIR="$INSTANCE_DIR/rabbitmq"
RMQ_HOME_DIR="$RMQ_DIR/home"        # HOME of the node and its CLI: holds the Erlang cookie

# Port offset per instance: a fixed table for the two well-known instances (so documentation and
# launch settings can name them), a stable hash for any other name so that two instances rarely collide.
case "$INSTANCE" in
  dev) PORT_OFFSET=0 ;;
  test) PORT_OFFSET=1 ;;
  *) PORT_OFFSET=$(( 10 + $(printf '%s' "$INSTANCE" | cksum | cut -d' ' -f1) % 80 )) ;;
esac

# Every port sits below 32768, outside Linux's default ephemeral range (32768-60999): a port inside it can be
# held, at any moment, by the local end of some outgoing connection, and the server's bind then fails. Seen here:
# RabbitMQ's listener on 55748 died with eaddrinuse although nothing listened there.
PG_PORT="${FACEASPIRE_PG_PORT:-$((26432 + PORT_OFFSET))}"
AMQP_PORT="${FACEASPIRE_AMQP_PORT:-$((26672 + PORT_OFFSET))}"
RABBIT_MGMT_PORT="${FACEASPIRE_RABBIT_MGMT_PORT:-$((26772 + PORT_OFFSET))}"
# Erlang distribution: the node listens on DIST_PORT (not RabbitMQ's default AMQP+20000 = 25672, which a system
# broker would use); the CLI tools' range is set in rabbitmq.sh.
RABBIT_DIST_PORT="${FACEASPIRE_RABBIT_DIST_PORT:-$((24672 + PORT_OFFSET))}"
EPMD_PORT="${FACEASPIRE_EPMD_PORT:-$((24369 + PORT_OFFSET))}"

# Warns when a port (e.g. one set through FACEASPIRE_*_PORT) lies in this machine's ephemeral range.
warn_ephemeral() {
  local lo hi p
  read -r lo hi </proc/sys/net/ipv4/ip_local_port_range 2>/dev/null || return 0
  for p in "$@"; do
    ((p >= lo && p <= hi)) && log "warning: port $p is in the ephemeral range $lo-$hi; an outgoing connection may hold it"
  done
  return 0
}

PG_DB=facedb
PG_OWNER=faceaspire_owner
PG_APP=faceaspire_app

log() { printf '[infra:%s] %s\n' "$INSTANCE" "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

# Milliseconds since the epoch, for "started in N.N s" lines.
now_ms() { date +%s%3N; }
elapsed() { local ms=$(( $(now_ms) - $1 )); printf '%d.%01d' $((ms / 1000)) $(((ms % 1000) / 100)); }

# Waits up to 5 s until no process's command line matches the extended regex $1; true when none does. A process
# told to stop (pg_ctl's postmaster after removing its pid file, a killed epmd) can outlive the call by a moment.
gone_within_5s() {
  local i
  for ((i = 0; i < 50; i++)); do
    pgrep -f -- "$1" >/dev/null || return 0
    sleep 0.1
  done
  ! pgrep -f -- "$1" >/dev/null
}

# True when something accepts TCP connections on 127.0.0.1:$1.
port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

random_secret() { od -An -tx1 -N16 /dev/urandom | tr -d ' \n'; }

# Serialises `start` and `stop` of one server of this instance across processes (an AppHost, a test fixture, a
# start left running by a caller that exited): two starts at once would launch two servers on one data directory.
# Runs the calling script again under `flock -o`, so the lock is released when that run exits and the servers it
# launches never inherit the lock's descriptor.   serialise NAME "$@"  (the script's own arguments)
serialise() {
  local lock="$INSTANCE_DIR/.$1.lock" rc=0
  [[ "${FACEASPIRE_INFRA_LOCK:-}" == "$lock" ]] && return 0
  mkdir -p "$INSTANCE_DIR"
  FACEASPIRE_INFRA_LOCK="$lock" flock -o -E 75 -w 180 "$lock" bash "${BASH_SOURCE[1]}" "${@:2}" || rc=$?
  ((rc == 75)) && log "ERROR: another start or stop of $1 held $lock for 180 s"
  exit "$rc"
}

# Creates secrets.env (mode 600) on first use; hex secrets need no quoting in connection strings or URLs.
# flock: up.sh starts PostgreSQL and RabbitMQ in parallel and both read this file.
ensure_secrets() {
  mkdir -p "$INSTANCE_DIR"
  chmod 755 "$INSTANCE_DIR"
  (
    flock 9
    if [[ ! -s "$SECRETS_FILE" ]]; then
      umask 077
      {
        echo "# Generated by infra/lib.sh on first start of instance '$INSTANCE'. Never commit."
        echo "PG_OWNER_PASSWORD=$(random_secret)"
        echo "PG_APP_PASSWORD=$(random_secret)"
        echo "RABBITMQ_USER=faceaspire"
        echo "RABBITMQ_PASSWORD=$(random_secret)"
      } >"$SECRETS_FILE.tmp"
      mv "$SECRETS_FILE.tmp" "$SECRETS_FILE"
    fi
    chmod 600 "$SECRETS_FILE"
  ) 9>"$INSTANCE_DIR/.secrets.lock"
  # shellcheck disable=SC1090
  source "$SECRETS_FILE"
}
