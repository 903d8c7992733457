#!/usr/bin/env bash
# Vision throughput of this checkout against a baseline commit, measured interleaved in one invocation.
#
# Builds the CLI and the vision benchmark of BASE (default baa45d2, the last commit on our own ONNX Runtime binding and
# codecs) and of this checkout into separate folders under artifacts/compare-vision/, then runs the vision benchmark
# (`FaceAspire.Bench vision`; `FaceAspire.Cli bench` in a checkout from before bench/Bench) alternately, round after
# round: base, new with --no-flip (the same work as the base: one embedder run per face), new with flip averaging. Prints
# each run's single-face frames/s and group-photo faces/s (1 and 2 threads) and the medians, the ratios new/base
# (target >= 0.95) and the cost of flip averaging (flip/no-flip). Each build makes its 640 x 480 frames from the same
# photos of ../shared/data. The baseline fetches its own ONNX Runtime library and models with its own fetch.sh.
#
# Wall-clock frames/s on a machine shared with other work measure the sharing as much as the engine, so the same
# rounds also time `analyze --embeddings` (the whole pipeline, one photo after another) over the identity photos and
# the group photo in CPU time (user + sys of the process, less a one-photo run for start-up): CPU ms per photo and
# per face hardly depend on what else runs.
#
# On a machine shared with other work, wall-clock frames/s measure the sharing as much as the engine; --nice N runs
# each bench at that niceness (e.g. -10, as root) so that it gets its cores for the few seconds it measures.
#
# Usage: bench/compare-vision.sh [--base REV] [--rounds N] [--seconds N] [--nice N]   (defaults baa45d2, 3, 3, 0)
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
base=baa45d2 rounds=3 seconds=3 niceness=0
while (( $# )); do
  case "$1" in
    --nice) niceness="$2"; shift 2 ;;
    --base) base="$2"; shift 2 ;;
    --rounds) rounds="$2"; shift 2 ;;
    --seconds) seconds="$2"; shift 2 ;;
    *) echo "usage: $0 [--base REV] [--rounds N] [--seconds N] [--nice N]" >&2; exit 2 ;;
  esac
done
work="$repo/artifacts/compare-vision"
shared="${FACEASPIRE_SHARED:-$repo/../shared}"
log() { printf 'compare-vision: %s\n' "$*" >&2; }

rev="$(git -C "$repo" rev-parse --short "$base")"
src="$work/base-$rev/src"
if [[ ! -d "$src" ]]; then
  log "exporting $rev"
  mkdir -p "$src.partial" && git -C "$repo" archive "$rev" | tar -x -C "$src.partial" && mv "$src.partial" "$src"
fi
log "baseline models ($rev's own fetch.sh)"
FACEASPIRE_SHARED="$shared" FACEASPIRE_MODEL_CACHE="$work/base-$rev/cache" "$src/models/fetch.sh" >&2
"$repo/models/fetch.sh" >&2
build() {  # build CHECKOUT OUT: its CLI into OUT/cli and, where it has one, its bench project into OUT/bench
  dotnet build "$1/Cli/Cli.csproj" -c Release -nologo -v q -clp:ErrorsOnly -o "$2/cli" >&2
  if [[ -f "$1/bench/Bench/Bench.csproj" ]]; then
    dotnet build "$1/bench/Bench/Bench.csproj" -c Release -nologo -v q -clp:ErrorsOnly -o "$2/bench" >&2
  fi
}
vision_bench() {  # vision_bench OUT: the vision benchmark's command in a build (the bench project's, else the CLI's), a word a line
  if [[ -f "$1/bench/FaceAspire.Bench.dll" ]]; then printf '%s\n' "$1/bench/FaceAspire.Bench.dll" vision
  else printf '%s\n' "$1/cli/FaceAspire.Cli.dll" bench; fi
}
log "building $rev and this checkout"
build "$src" "$work/base-$rev/bin"
build "$repo" "$work/new/bin"

run() {  # run NAME "BENCH OPTIONS" BENCH...: one bench, its result lines as "NAME threads single_fps group_faces_per_s"
  local name="$1" options="$2"; shift 2
  local out
  # shellcheck disable=SC2086 # the options are words
  out="$("$@" --seconds "$seconds" --warmup 1 $options 2>&1)" || { echo "$out" >&2; exit 1; }
  sed -nE 's/^single-face.*, ([0-9]+) thread\(s\).*: ([0-9.]+) frames\/s.*/single \1 \2/p
            s/^group.*, ([0-9]+) thread\(s\).*, ([0-9.]+) faces\/s.*/group \1 \2/p' <<< "$out" \
    | awk -v n="$name" '$1 == "single" { s[$2] = $3 } $1 == "group" { g[$2] = $3 } END { for (t in s) print n, t, s[t], g[t] }' | sort -k2n
}

base_env=(nice -n "$niceness" env FACEASPIRE_MODELS="$src/models" FACEASPIRE_MODEL_CACHE="$work/base-$rev/cache" dotnet)
new_env=(nice -n "$niceness" env FACEASPIRE_MODELS="$repo/models" dotnet)
base_cli=("${base_env[@]}" "$work/base-$rev/bin/cli/FaceAspire.Cli.dll")
new_cli=("${new_env[@]}" "$work/new/bin/cli/FaceAspire.Cli.dll")
mapfile -t base_vision < <(vision_bench "$work/base-$rev/bin")
mapfile -t new_vision < <(vision_bench "$work/new/bin")
base_bench=("${base_env[@]}" "${base_vision[@]}")
new_bench=("${new_env[@]}" "${new_vision[@]}")
results="$(mktemp)" cpu="$(mktemp)"
trap 'rm -f "$results" "$cpu"' EXIT
mapfile -t photos < <(find "$shared/data/identities/face_recognition/knn_examples/train" "$shared/data/identities/deepface" \
  -maxdepth 2 -name '*.jpg' | sort)
group="$shared/data/groups/selfie-many-people.jpg"

cpu_seconds() {  # cpu_seconds CLI...: user + sys seconds of one run
  local TIMEFORMAT='%3U %3S' t
  t="$( { time "$@" > /dev/null 2>&1; } 2>&1 )"
  awk '{ print $1 + $2 }' <<< "$t"
}

cpu_run() {  # cpu_run NAME CLI...: "NAME ms_per_photo ms_per_group_photo" from CPU time, start-up subtracted
  local name="$1"; shift
  local one all groups
  one="$(cpu_seconds "$@" analyze "${photos[0]}" --json --embeddings)"
  all="$(cpu_seconds "$@" analyze "${photos[@]}" --json --embeddings)"
  groups="$(cpu_seconds "$@" analyze "$group" "$group" "$group" "$group" "$group" --json --embeddings)"
  awk -v n="$name" -v one="$one" -v all="$all" -v g="$groups" -v k="${#photos[@]}" \
    'BEGIN { printf "%s %.1f %.1f\n", n, (all - one) * 1000 / (k - 1), (g - one) * 1000 / 4 }'
}
for (( r = 1; r <= rounds; r++ )); do
  log "round $r of $rounds"
  run "base-$rev" "" "${base_bench[@]}" | tee -a "$results"
  run new-no-flip --no-flip "${new_bench[@]}" | tee -a "$results"
  run new-flip "" "${new_bench[@]}" | tee -a "$results"
  cpu_run "base-$rev" "${base_cli[@]}" >> "$cpu"
  cpu_run new-no-flip env Vision__FlipAveraging=false "${new_cli[@]}" >> "$cpu"
  cpu_run new-flip "${new_cli[@]}" >> "$cpu"
done | awk '{ printf "  %-14s %s thread(s): single-face %7.1f frames/s   group %7.1f faces/s\n", $1, $2, $3, $4 }'

echo
echo "medians over $rounds round(s), ${seconds} s per measurement, niceness $niceness:"
awk -v b="base-$rev" '
  function median(list,   n, a, i, j, t) {
    n = split(list, a, " ")
    for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (a[j] < a[i]) { t = a[i]; a[i] = a[j]; a[j] = t }
    return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
  }
  { s[$1 " " $2] = s[$1 " " $2] " " $3; g[$1 " " $2] = g[$1 " " $2] " " $4; threads[$2] = 1 }
  END {
    for (t in threads) {
      bs = median(s[b " " t]); bg = median(g[b " " t])
      ns = median(s["new-no-flip " t]); ng = median(g["new-no-flip " t])
      fs = median(s["new-flip " t]); fg = median(g["new-flip " t])
      printf "  %s thread(s): single-face %.1f (%s) / %.1f (new --no-flip) = %.3fx;  group %.1f / %.1f faces/s = %.3fx\n", t, bs, b, ns, ns / bs, bg, ng, ng / bg
      printf "  %s thread(s): flip averaging costs %.1f%% of single-face frames/s (%.1f with it) and %.1f%% of group faces/s (%.1f)\n", t, (1 - fs / ns) * 100, fs, (1 - fg / ng) * 100, fg
    }
  }' "$results"

echo
echo "CPU time (user + sys) of analyze --embeddings, ${#photos[@]} identity photos and the group photo (6 faces), medians over $rounds round(s):"
awk -v b="base-$rev" '
  function median(list,   n, a, i, j, t) {
    n = split(list, a, " ")
    for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (a[j] < a[i]) { t = a[i]; a[i] = a[j]; a[j] = t }
    return n % 2 ? a[(n + 1) / 2] : (a[n / 2 + 1] + a[n / 2]) / 2
  }
  { p[$1] = p[$1] " " $2; g[$1] = g[$1] " " $3 }
  END {
    bp = median(p[b]); bg = median(g[b]); np = median(p["new-no-flip"]); ng = median(g["new-no-flip"]); fp = median(p["new-flip"]); fg = median(g["new-flip"])
    printf "  per photo: %.1f ms (%s), %.1f ms (new --no-flip) -> photos per CPU-second %.3fx; %.1f ms with flip averaging (+%.1f%%)\n", bp, b, np, bp / np, fp, (fp / np - 1) * 100
    printf "  per group photo: %.1f ms, %.1f ms -> faces per CPU-second %.3fx; %.1f ms with flip averaging (+%.1f%%)\n", bg, ng, bg / ng, fg, (fg / ng - 1) * 100
  }' "$cpu"
