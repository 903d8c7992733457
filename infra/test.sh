#!/usr/bin/env bash
# Sets up a fresh machine and runs every test: the README's test command, and exactly what .ci/run calls.
# Installs prerequisites (apt), fetches and converts models, builds, makes sure the PostgreSQL+pgvector and RabbitMQ
# images are there (infra/images.sh: built from Debian packages where no registry answers), runs every test project
# with the container engine's API open for Testcontainers, and prints "N passed, N failed, N skipped".
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
started=$(date +%s)
step() { printf '\n== %s (%ss)\n' "$1" "$(( $(date +%s) - started ))"; }

step "prerequisites"
bash infra/install.sh
step "models"
bash models/fetch.sh
step "build"
dotnet build FaceAspire.sln -c Release -nologo -clp:ErrorsOnly
step "container images"
bash infra/images.sh

step "tests"
results="$repo/artifacts/test-results"
rm -rf "$results"; mkdir -p "$results"
# Every test project in turn, each under infra/with-containers.sh: the images, the container engine's API for
# Testcontainers, and the removal of whatever containers a project left. One at a time: each starts its own
# PostgreSQL and RabbitMQ, and the pipeline tests need both cores.
status=0
for proj in $(find tests -name '*.csproj' | sort); do
  if grep -q '<IsTestProject>true' "$proj"; then
    bash infra/with-containers.sh dotnet test "$proj" -c Release --no-build -nologo \
      --logger "trx;LogFileName=$(basename "$proj" .csproj).trx" --results-directory "$results" || status=1
  fi
done

# One closing line over every project, in the plain form CI reads.
python3 - "$results" <<'PY'
import glob, sys, xml.etree.ElementTree as ET
ns = {"t": "http://microsoft.com/schemas/VisualStudio/TeamTest/2010"}
p = f = s = 0
for trx in glob.glob(sys.argv[1] + "/*.trx"):
    c = ET.parse(trx).getroot().find("t:ResultSummary/t:Counters", ns)
    p += int(c.get("passed")); f += int(c.get("failed")) + int(c.get("error")) + int(c.get("timeout"))
    s += int(c.get("notExecuted"))
print(f"{p} passed, {f} failed, {s} skipped")
PY
step "done"
exit $status
