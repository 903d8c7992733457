#!/usr/bin/env bash
# Starts PostgreSQL and RabbitMQ for one instance, in parallel, and waits until both answer.
#   infra/up.sh [instance] [--env]
# instance defaults to $FACEASPIRE_INFRA_INSTANCE or dev. --env prints the connection settings on stdout as
# KEY=VALUE lines (ConnectionStrings__... as .NET configuration reads them from the environment).
# Exit code non-zero when either service failed to start; its log tail is on stderr.
set -euo pipefail
print_env=0
for arg in "$@"; do
  case "$arg" in
    --env) print_env=1 ;;
    -*) echo "usage: $0 [instance] [--env]" >&2; exit 2 ;;
    *) export FACEASPIRE_INFRA_INSTANCE="$arg" ;;
  esac
done
# shellcheck source=infra/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

t0=$(now_ms)
ensure_secrets   # before the parallel starts, so they read one file
"$INFRA_DIR/postgres.sh" start &
pg=$!
"$INFRA_DIR/rabbitmq.sh" start &
rmq=$!
rc=0
wait "$pg" || rc=1
wait "$rmq" || rc=1
((rc == 0)) || die "infrastructure for '$INSTANCE' did not start"
log "up in $(elapsed "$t0") s"

if ((print_env)); then
  echo "ConnectionStrings__facedb_owner=$("$INFRA_DIR/postgres.sh" url owner)"
  echo "ConnectionStrings__facedb=$("$INFRA_DIR/postgres.sh" url app)"
  echo "ConnectionStrings__rabbitmq=$("$INFRA_DIR/rabbitmq.sh" url amqp)"
fi
