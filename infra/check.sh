#!/usr/bin/env bash
# Smoke test of a running instance: both PostgreSQL roles log in over TCP with their generated passwords,
# the app role cannot run DDL, pgvector works (cosine distance, HNSW index), RabbitMQ answers with our
# user and has no guest.   infra/check.sh [instance]     Exit 0 only when every check passed.
set -euo pipefail
[[ $# -gt 0 ]] && export FACEASPIRE_INFRA_INSTANCE="$1"
# shellcheck source=infra/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

pg() { "$INFRA_DIR/postgres.sh" psql "$@" -q -t -A -v ON_ERROR_STOP=1; }
fail() { log "CHECK FAILED: $*"; exit 1; }

[[ -s "$SECRETS_FILE" ]] || fail "instance not initialised ($SECRETS_FILE missing): run infra/up.sh"
ensure_secrets

[[ "$(pg app -c 'SELECT current_user')" == faceaspire_app ]] || fail "app role login"
[[ "$(pg owner -c 'SELECT current_user')" == faceaspire_owner ]] || fail "owner role login"
if pg app -c 'CREATE TABLE app_must_not_create(x int)' 2>/dev/null; then fail "app role could CREATE TABLE"; fi
d=$(pg app -c "SELECT round(('[1,2,3]'::vector <=> '[1,2,4]'::vector)::numeric, 6)")
[[ "$d" == 0.008540 ]] || fail "cosine distance [1,2,3]<=>[1,2,4] = '$d', expected 0.008540"
plan=$(pg owner <<'SQL'
CREATE TEMP TABLE v(id int, e vector(3));
INSERT INTO v SELECT i, ARRAY[random(), random(), random()]::vector FROM generate_series(1, 200) i;
CREATE INDEX ON v USING hnsw (e vector_cosine_ops);
SET enable_seqscan = off;
EXPLAIN (COSTS OFF) SELECT id FROM v ORDER BY e <=> '[1,0,0]' LIMIT 5;
SQL
)
grep -q 'Index Scan using v_e_idx' <<<"$plan" || fail "HNSW index not used: $plan"
ver=$(pg app -c "SELECT extversion FROM pg_extension WHERE extname = 'vector'")
[[ "$ver" == 0.8.* ]] || fail "vector extension version '$ver'"

users=$("$INFRA_DIR/rabbitmq.sh" ctl -q list_users)
grep -q '^faceaspire' <<<"$users" || fail "RabbitMQ user missing: $users"
if grep -q '^guest' <<<"$users"; then fail "RabbitMQ guest user exists"; fi
"$INFRA_DIR/rabbitmq.sh" ctl -q list_queues >/dev/null || fail "rabbitmqctl list_queues"
port_open "$AMQP_PORT" || fail "AMQP port $AMQP_PORT closed"
curl -fsS -u "$RABBITMQ_USER:$RABBITMQ_PASSWORD" "http://127.0.0.1:$RABBIT_MGMT_PORT/api/overview" >/dev/null ||
  fail "management API on $RABBIT_MGMT_PORT"
log "all checks passed (pgvector $ver)"
