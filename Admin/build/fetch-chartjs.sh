#!/usr/bin/env bash
# Copies Chart.js 4's UMD bundle from the npm registry into the admin's wwwroot (no CDN at run time).
#   fetch-chartjs.sh DEST     DEST = .../wwwroot/lib/chart.umd.js
# `npm pack` only downloads the tarball (no install scripts run); it is kept in a cache
# (FACEASPIRE_NPM_CACHE, default <repo>/models/cache/npm/chartjs) so rebuilds work offline.
set -euo pipefail
dest="$1"
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
cache="${FACEASPIRE_NPM_CACHE:-$repo/models/cache/npm}/chartjs"
pkg="chart.js@4"
mkdir -p "$cache" "$(dirname "$dest")"
tgz="$(ls -1 "$cache"/chart.js-4.*.tgz 2>/dev/null | sort -V | tail -n1 || true)"
if [[ -z "$tgz" ]]; then
  command -v npm > /dev/null || { echo "fetch-chartjs: npm not found (Debian: apt-get install -y npm)" >&2; exit 1; }
  name="$(cd "$cache" && npm pack --silent "$pkg" 2> /dev/null | tail -n1)"
  tgz="$cache/$name"
fi
tar -xzf "$tgz" -C "$(dirname "$dest")" --strip-components=2 package/dist/chart.umd.js
# npm keeps the file name; older 4.x releases shipped chart.umd.js too, so this is the one path to expect.
[[ -s "$dest" ]] || { echo "fetch-chartjs: $tgz has no package/dist/chart.umd.js" >&2; exit 1; }
echo "fetch-chartjs: $(basename "$tgz") -> $dest"
