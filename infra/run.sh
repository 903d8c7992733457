#!/usr/bin/env bash
# Sets up a fresh machine and runs the whole system: the README's run command.
# Installs prerequisites (apt), fetches and converts models, makes sure the PostgreSQL+pgvector and RabbitMQ images
# are there (infra/images.sh), builds, and runs the Aspire AppHost, which starts the containers, the migration step,
# the Api, the workers and the admin, and serves the dashboard. Ctrl+C (or SIGINT/SIGTERM to this script's pid)
# stops everything, containers included.
# Arguments go to the AppHost, e.g. `--Worker:Replicas=3`.
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
bash infra/install.sh
bash models/fetch.sh
# shellcheck source=infra/containers.sh
source infra/containers.sh
while IFS= read -r line; do export "${line?}"; done < <(bash infra/images.sh)
dotnet build AppHost -c Release -nologo -clp:ErrorsOnly
# The launch profile's settings (dashboard and OTLP addresses), as `dotnet run` would apply them. The AppHost itself
# is exec'd rather than started by `dotnet run`, which ignores a SIGINT sent to it alone.
while IFS= read -r line; do export "${line?}"; done < <(jq -r '.profiles.http
  | ("ASPNETCORE_URLS=" + .applicationUrl), (.environmentVariables | to_entries[] | "\(.key)=\(.value)")' \
  AppHost/Properties/launchSettings.json)
cd AppHost
# A shell without job control starts background commands with SIGINT ignored, and an ignored signal stays ignored
# across exec: `env --default-signal=INT` gives the AppHost its Ctrl+C back wherever run.sh was started from.
exec env --default-signal=INT bin/Release/net10.0/FaceAspire.AppHost "$@"
