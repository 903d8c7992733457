#!/usr/bin/env bash
# Optional developer check of the two model conversions (models/convert/*.py). Not run by CI: it needs npm access
# and takes about a minute.
#
# For N real faces (centre crops of ../shared/data/emotions/images/*.jpg, decoded with ffmpeg) it runs:
#   - the converted ONNX files from the model cache in ONNX Runtime 1.30.0 (npm onnxruntime-node, installed with
#     --ignore-scripts into <cache>/verify-node: its CPU binding needs no install script),
#   - the independent reference forward passes: face-api's own tfjs model (faceapi_forward.mjs) and a numpy
#     forward pass of the Keras HDF5 (mini_xception_forward.py),
#   - as a cross-check only, ../shared/models/reference/*.onnx when present (the project does not depend on them),
# and fails unless max |dprob| <= 1e-5 and the argmax agrees on every face.
#
# Usage: models/verify/check_conversions.sh [N]      (default N = 120; env FACEASPIRE_SHARED, FACEASPIRE_MODEL_CACHE)
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
models="$(cd "$here/.." && pwd)"
repo="$(cd "$models/.." && pwd)"
shared="${FACEASPIRE_SHARED:-$repo/../shared}"
cache="${FACEASPIRE_MODEL_CACHE:-$models/cache}"
n="${1:-120}"
py=/usr/bin/python3

images="$shared/data/emotions/images"
[[ -d "$images" ]] || { echo "check_conversions: $images not found (set FACEASPIRE_SHARED)" >&2; exit 1; }
command -v ffmpeg > /dev/null || { echo "check_conversions: needs ffmpeg (apt-get install -y ffmpeg)" >&2; exit 1; }

"$models/fetch.sh"

ortdir="$cache/verify-node"
if [[ ! -d "$ortdir/node_modules/onnxruntime-node" ]]; then
  mkdir -p "$ortdir"
  echo '{"private":true}' > "$ortdir/package.json"
  (cd "$ortdir" && npm install --silent --ignore-scripts --no-audit --no-fund onnxruntime-node@1.30.0)
fi

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

# Centre 80 % square of each image: the emotion images are already tight face crops.
count=0
while IFS= read -r f && (( count < n )); do
  crop="crop=w='min(iw,ih)*0.8':h='min(iw,ih)*0.8'"
  ffmpeg -nostdin -v error -i "$f" -vf "$crop,scale=112:112:flags=bilinear,format=rgb24" -f rawvideo - >> "$tmp/rgb112.u8"
  ffmpeg -nostdin -v error -i "$f" -vf "$crop,scale=64:64:flags=bilinear,format=gray" -f rawvideo - >> "$tmp/gray64.u8"
  count=$((count + 1))
done < <(find "$images" -name '*.jpg' | sort)
(( count == n )) || { echo "check_conversions: only $count images in $images" >&2; exit 1; }

fa_mean=122.782,117.001,104.298
echo "face-api expression net: reference = package's own tfjs model (CPU backend)"
node "$here/faceapi_forward.mjs" "$cache/src" "$tmp/rgb112.u8" "$n" "$tmp/fa_tfjs.json" 2> "$tmp/tfjs.err" \
  || { cat "$tmp/tfjs.err" >&2; exit 1; }
node "$here/ort_forward.mjs" "$ortdir/node_modules" "$cache/faceapi_expression.onnx" "$tmp/rgb112.u8" "$n" 112 3 \
  "$fa_mean" 255,255,255 "$tmp/fa_ort.json"

echo "mini-Xception: reference = numpy forward pass of the HDF5"
"$py" "$here/mini_xception_forward.py" "$cache/src/fer2013_mini_XCEPTION.102-0.66.hdf5" "$tmp/gray64.u8" "$n" \
  "$tmp/mx_numpy.json"
node "$here/ort_forward.mjs" "$ortdir/node_modules" "$cache/mini_xception_fer2013.onnx" "$tmp/gray64.u8" "$n" 64 1 \
  127.5 127.5 "$tmp/mx_ort.json"

pairs=("face-api ONNX vs tfjs:$tmp/fa_ort.json:$tmp/fa_tfjs.json"
       "mini-Xception ONNX vs numpy:$tmp/mx_ort.json:$tmp/mx_numpy.json")
ref="$shared/models/reference"
if [[ -f "$ref/faceapi_face_expression.onnx" ]]; then
  node "$here/ort_forward.mjs" "$ortdir/node_modules" "$ref/faceapi_face_expression.onnx" "$tmp/rgb112.u8" "$n" 112 3 \
    "$fa_mean" 255,255,255 "$tmp/fa_ref.json" 2> /dev/null
  pairs+=("face-api ONNX vs shared reference ONNX:$tmp/fa_ort.json:$tmp/fa_ref.json")
fi
if [[ -f "$ref/fer2013_mini_XCEPTION.102-0.66.onnx" ]]; then
  node "$here/ort_forward.mjs" "$ortdir/node_modules" "$ref/fer2013_mini_XCEPTION.102-0.66.onnx" "$tmp/gray64.u8" "$n" \
    64 1 127.5 127.5 "$tmp/mx_ref.json" 2> /dev/null
  pairs+=("mini-Xception ONNX vs shared reference ONNX:$tmp/mx_ort.json:$tmp/mx_ref.json")
fi

"$py" - "$n" "${pairs[@]}" << 'EOF'
import json, sys
import numpy as np
n, failed = int(sys.argv[1]), False
for pair in sys.argv[2:]:
    label, a_path, b_path = pair.rsplit(":", 2)
    a, b = (np.array(json.load(open(p)), np.float64) for p in (a_path, b_path))
    assert a.shape == b.shape == (n, 7), (label, a.shape, b.shape)
    diff = float(np.abs(a - b).max())
    same = int((a.argmax(1) == b.argmax(1)).sum())
    ok = diff <= 1e-5 and same == n
    failed |= not ok
    print(f"{'ok  ' if ok else 'FAIL'} {label}: max |dprob| {diff:.2e}, same argmax {same}/{n}")
sys.exit(1 if failed else 0)
EOF
