#!/usr/bin/env bash
# Installs what FaceAspire needs from Debian's apt, idempotently and quietly:
#   a container engine (podman with runc and mmdebstrap, unless a Docker engine already answers), the native
#   libraries of the vision engine, chromium and ffmpeg for the browser tests, Debian's python modules for the model
#   scripts, curl and jq, and node/npm only when missing. PostgreSQL and RabbitMQ run in containers (infra/images.sh).
# Fast (< 1 s) when everything is present: one dpkg-query, no apt-get update.
# Env: FACEASPIRE_INSTALL_EXTRA="pkg ..." adds packages (e.g. shellcheck).
set -euo pipefail

log() { printf '[install] %s\n' "$*" >&2; }

SUDO=()
if [[ $EUID -ne 0 ]]; then
  command -v sudo >/dev/null || { log "ERROR: run as root (or install sudo)"; exit 1; }
  SUDO=(sudo)
fi
export DEBIAN_FRONTEND=noninteractive
t0=$(date +%s%3N)

PACKAGES=(
  libgtk-3-0  # OpenCvSharp's native runtime links it
  chromium ffmpeg
  python3-numpy python3-h5py python3-onnx
  curl jq
)
# podman (rootful) with runc: Debian 12's crun cannot apply rlimits on hosts with hybrid cgroups (infra/containers.conf).
if ! { command -v docker >/dev/null && docker info >/dev/null 2>&1; }; then
  PACKAGES+=(podman runc mmdebstrap netavark aardvark-dns iptables ca-certificates)
fi
# node 20 + npm come from elsewhere on some machines; never replace them with Debian's older ones.
command -v node >/dev/null || PACKAGES+=(nodejs)
command -v npm >/dev/null || PACKAGES+=(npm)
read -r -a extra <<<"${FACEASPIRE_INSTALL_EXTRA:-}"
PACKAGES+=("${extra[@]}")

missing_packages() {
  local installed
  installed=$(dpkg-query -W -f='${Package} ${db:Status-Abbrev}\n' "$@" 2>/dev/null | awk '$2 == "ii" {print $1}' || true)
  local p
  for p in "$@"; do
    grep -qxF "$p" <<<"$installed" || echo "$p"
  done
}

# apt-get update only when the lists are missing or older than a day: an update costs 5-20 s.
apt_lists_fresh() {
  [[ -n "$(find /var/lib/apt/lists -maxdepth 1 -name '*_Packages*' -mmin -1440 -print -quit 2>/dev/null)" ]]
}

apt_update() { log "apt-get update"; "${SUDO[@]}" apt-get update -qq; }

apt_install() {
  log "apt-get install $*"
  apt_lists_fresh || apt_update
  # --no-install-recommends: a third of the packages (measured for chromium and podman).
  if ! "${SUDO[@]}" apt-get install -y -qq --no-install-recommends "$@" >/dev/null; then
    # A 404 on a package usually means the lists are stale even if recent: refresh once and retry.
    apt_update
    "${SUDO[@]}" apt-get install -y -qq --no-install-recommends "$@" >/dev/null
  fi
}

mapfile -t missing < <(missing_packages "${PACKAGES[@]}")
if ((${#missing[@]})); then
  apt_install "${missing[@]}"
fi
log "prerequisites present in $(( $(date +%s%3N) - t0 )) ms"
