#!/bin/bash
# Entrypoint of the locally built RabbitMQ image (infra/images.sh), a stand-in for the official
# rabbitmq:4-management image where no registry is reachable. It honours what the official image honours and
# Aspire's AddRabbitMQ / Testcontainers.RabbitMq set: RABBITMQ_DEFAULT_USER / RABBITMQ_DEFAULT_PASS /
# RABBITMQ_DEFAULT_VHOST (first start only, as in RabbitMQ itself), RABBITMQ_NODENAME (Aspire sets
# <name>@localhost with a data volume), data in /var/lib/rabbitmq, logs to stdout, management plugin enabled.
set -Eeuo pipefail

if [[ $# -eq 0 ]]; then
  set -- rabbitmq-server
fi
if [[ "$1" != "rabbitmq-server" ]]; then
  exec "$@"
fi

conf=/etc/rabbitmq/conf.d/10-defaults.conf
if [[ "$(id -u)" == "0" ]]; then
  mkdir -p /var/lib/rabbitmq /etc/rabbitmq/conf.d
  {
    echo "loopback_users.guest = false"
    echo "listeners.tcp.default = 5672"
    echo "management.tcp.port = 15672"
    [[ -n "${RABBITMQ_DEFAULT_USER:-}" ]] && echo "default_user = $RABBITMQ_DEFAULT_USER"
    [[ -n "${RABBITMQ_DEFAULT_PASS:-}" ]] && echo "default_pass = $RABBITMQ_DEFAULT_PASS"
    [[ -n "${RABBITMQ_DEFAULT_VHOST:-}" ]] && echo "default_vhost = $RABBITMQ_DEFAULT_VHOST"
    true
  } >"$conf"
  chown rabbitmq:rabbitmq "$conf"
  chmod 600 "$conf"
  chown -R rabbitmq:rabbitmq /var/lib/rabbitmq
  exec setpriv --reuid=rabbitmq --regid=rabbitmq --init-groups "$BASH_SOURCE" "$@"
fi

export HOME=/var/lib/rabbitmq RABBITMQ_LOGS=- RABBITMQ_SASL_LOGS=-
exec /usr/lib/rabbitmq/bin/rabbitmq-server
