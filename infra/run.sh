#!/usr/bin/env bash
# Sets up a fresh machine and runs the whole system: the README's run command.
# Installs prerequisites (apt), fetches and converts models, then starts the AppHost, which starts PostgreSQL+pgvector,
# RabbitMQ, the migration step, the API, the workers and the admin, and stops them all on Ctrl+C.
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
bash infra/install.sh
bash models/fetch.sh
exec dotnet run --project AppHost -c Release -- --AppHost:Configuration=Release "$@"
