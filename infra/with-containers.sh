#!/usr/bin/env bash
# Runs a command with what the integration tests and benches need to start their PostgreSQL and RabbitMQ containers
# (Testcontainers): the images (infra/images.sh, built locally where no registry answers) as Images__Postgres and
# Images__RabbitMq, and the container engine's Docker-compatible API (podman: a private `podman system service`).
# Removes the containers the command left behind, whatever happens.
#   bash infra/with-containers.sh dotnet test tests/Worker.IntegrationTests -c Release
#   bash infra/with-containers.sh dotnet tests/Worker.Bench/bin/Release/net10.0/FaceAspire.Worker.Bench.dll --skip-e2e
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=infra/containers.sh
source "$repo/infra/containers.sh"
while IFS= read -r line; do export "${line?}"; done < <(bash "$repo/infra/images.sh")
start_container_api
trap 'remove_test_containers; stop_container_api' EXIT
"$@"
