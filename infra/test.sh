#!/usr/bin/env bash
# Sets up a fresh machine and runs every test: the README's test command, and exactly what .ci/run calls.
# Installs prerequisites (apt), fetches and converts models, builds, starts a private test instance of
# PostgreSQL+pgvector and RabbitMQ, runs the tests, stops what it started, and prints "N passed, N failed".
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

# A private test instance (its own ports and data under .infra/test), stopped on exit whatever happens.
export FACEASPIRE_INFRA_INSTANCE="${FACEASPIRE_INFRA_INSTANCE:-test}" FACEASPIRE_INFRA_STARTED=1
step "infrastructure (test instance)"
trap 'bash infra/down.sh >/dev/null 2>&1 || true' EXIT
bash infra/up.sh

step "tests"
results="$repo/artifacts/test-results"
rm -rf "$results"; mkdir -p "$results"
status=0
# Test projects run one after another: the integration suites share the test broker and database.
for proj in $(find tests -name '*.csproj' -not -path '*/Support/*' | sort); do
  if grep -q '<IsTestProject>true' "$proj"; then
    dotnet test "$proj" -c Release --no-build -nologo --logger "trx;LogFileName=$(basename "$proj" .csproj).trx" \
      --results-directory "$results" || status=1
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
