#!/usr/bin/env bash
# Stops PostgreSQL and RabbitMQ (and its epmd) for one instance and verifies that none of the instance's
# processes is left.   infra/down.sh [instance]
set -euo pipefail
[[ $# -gt 0 ]] && export FACEASPIRE_INFRA_INSTANCE="$1"
# shellcheck source=infra/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

t0=$(now_ms)
rc=0
"$INFRA_DIR/postgres.sh" stop &
pg=$!
"$INFRA_DIR/rabbitmq.sh" stop &
rmq=$!
wait "$pg" || rc=1
wait "$rmq" || rc=1

# Each pattern names something only this instance has on its command line: the data directory, the
# node's HOME, the epmd port.
left=$(pgrep -af -- "postgres -D $PGDATA|-home $RMQ_HOME_DIR |epmd -daemon -port $EPMD_PORT " || true)
if [[ -n "$left" ]]; then
  log "processes of instance '$INSTANCE' still running:"
  echo "$left" >&2
  exit 1
fi
((rc == 0)) || die "a stop command failed (see above)"
log "down in $(elapsed "$t0") s; no process of instance '$INSTANCE' left"
