#!/usr/bin/env bash
# Installs what FaceAspire needs from Debian's apt, idempotently and quietly:
#   PostgreSQL 15 (+ pgvector 0.8), RabbitMQ 3.10, the native imaging libraries, ffmpeg, chromium for the browser
#   tests, Debian's python modules for the model scripts, and node/npm only when missing.
# Fast (< 2 s) when everything is present: one dpkg-query, one file read for pgvector, no apt-get update.
# The Debian-started system services are stopped and disabled: infra/postgres.sh and infra/rabbitmq.sh run the
# project's own loopback instances, and the system ones would hold 5432/5672/4369.
# Env: FACEASPIRE_INSTALL_EXTRA="pkg ..." adds packages (e.g. shellcheck); FACEASPIRE_PGVECTOR_SUITE picks the
# Debian suite whose pgvector source is built (default trixie).
# shellcheck source=infra/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

PG_MAJOR=15
PG_CONFIG="/usr/lib/postgresql/$PG_MAJOR/bin/pg_config"
PGVECTOR_CONTROL="/usr/share/postgresql/$PG_MAJOR/extension/vector.control"
PGVECTOR_WANTED='0.8.'
PGVECTOR_SUITE="${FACEASPIRE_PGVECTOR_SUITE:-trixie}"

SUDO=()
if [[ $EUID -ne 0 ]]; then
  command -v sudo >/dev/null || die "run as root (or install sudo)"
  SUDO=(sudo)
fi
export DEBIAN_FRONTEND=noninteractive
t0=$(now_ms)

PACKAGES=(
  "postgresql-$PG_MAJOR" "postgresql-server-dev-$PG_MAJOR" build-essential dpkg-dev
  rabbitmq-server
  libgtk-3-0 ffmpeg  # libgtk-3-0: OpenCvSharp's native runtime links it
  python3-numpy python3-h5py python3-onnx
  chromium
  curl jq
)
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
  local newest
  newest=$(find /var/lib/apt/lists -maxdepth 1 -name '*_Packages*' -mmin -1440 -print -quit 2>/dev/null)
  [[ -n "$newest" ]]
}

apt_update() { log "apt-get update"; "${SUDO[@]}" apt-get update -qq; }

apt_install() {
  log "apt-get install $*"
  apt_lists_fresh || apt_update
  # --no-install-recommends: 39 instead of 143 packages for rabbitmq+chromium+server-dev (measured).
  if ! "${SUDO[@]}" apt-get install -y -qq --no-install-recommends "$@" >/dev/null; then
    # A 404 on a package usually means the lists are stale even if recent: refresh once and retry.
    apt_update
    "${SUDO[@]}" apt-get install -y -qq --no-install-recommends "$@" >/dev/null
  fi
}

# Stops the system-wide PostgreSQL cluster and RabbitMQ node that Debian's maintainer scripts may have started
# (not in containers, where policy-rc.d forbids it, but on an ordinary machine) and keeps them from booting.
disable_system_services() {
  if [[ -d /run/systemd/system ]]; then
    "${SUDO[@]}" systemctl disable --now -q postgresql.service rabbitmq-server.service epmd.socket epmd.service \
      2>/dev/null || true
  else
    local svc
    for svc in postgresql rabbitmq-server; do
      if compgen -G "/etc/rc[2-5].d/S*$svc" >/dev/null; then
        "${SUDO[@]}" update-rc.d "$svc" disable >/dev/null 2>&1 || true
      fi
    done
  fi
  # Debian's clusters: "manual" means neither systemd nor the init script starts them.
  local conf
  for conf in /etc/postgresql/*/*/start.conf; do
    [[ -f "$conf" ]] || continue
    grep -qx 'auto' "$conf" && "${SUDO[@]}" sed -i 's/^auto$/manual/' "$conf"
  done
  if command -v pg_lsclusters >/dev/null; then
    local ver name
    while read -r ver name _; do
      log "stopping system PostgreSQL cluster $ver/$name"
      "${SUDO[@]}" pg_ctlcluster "$ver" "$name" stop -m fast || true
    done < <(pg_lsclusters -h 2>/dev/null | awk '$4 == "online"')
  fi
  if pgrep -u rabbitmq -f beam >/dev/null 2>&1; then
    log "stopping system RabbitMQ"
    "${SUDO[@]}" service rabbitmq-server stop >/dev/null 2>&1 || true
  fi
  # Only the system user's epmd (default port 4369), never one of ours (they run as the invoking user).
  local pid
  for pid in $(pgrep -u rabbitmq -x epmd 2>/dev/null || true); do
    "${SUDO[@]}" kill "$pid" || true
  done
}

pgvector_version() {
  [[ -f "$PGVECTOR_CONTROL" && -f "$("$PG_CONFIG" --pkglibdir)/vector.so" ]] || return 0
  sed -n "s/^default_version *= *'\(.*\)'/\1/p" "$PGVECTOR_CONTROL"
}

# The Debian mirror the system already uses (deb.debian.org, a snapshot, a local proxy...): the private
# source list must go through the same host because nothing else may be reachable.
debian_mirror() {
  local uri
  uri=$(cat /etc/apt/sources.list /etc/apt/sources.list.d/*.sources /etc/apt/sources.list.d/*.list 2>/dev/null |
    grep -oE '(https?|file):[^ ]*/debian/?( |$)' | grep -v -- '-security' | head -n1 | tr -d ' ')
  echo "${uri:-http://deb.debian.org/debian}"
}

# pgvector 0.8 from Debian's own source package (docs/adr/0003): a private apt configuration with only a
# deb-src line and its own lists directory, so the system's sources and lists stay untouched.
build_pgvector_from_source() {
  local apt_dir="$CACHE_DIR/apt-src" src_dir="$CACHE_DIR/pgvector-src"
  mkdir -p "$apt_dir/lists/partial" "$apt_dir/parts" "$src_dir"
  echo "deb-src [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] $(debian_mirror) $PGVECTOR_SUITE main" \
    >"$apt_dir/sources.list"
  local apt_opts=(
    -o "Dir::Etc::SourceList=$apt_dir/sources.list" -o "Dir::Etc::SourceParts=$apt_dir/parts"
    -o "Dir::State::Lists=$apt_dir/lists" -o "Dir::Cache::pkgcache=" -o "Dir::Cache::srcpkgcache="
    -o "APT::Sandbox::User=root" -qq
  )
  local tree
  tree=$(find "$src_dir" -mindepth 1 -maxdepth 1 -type d -name 'pgvector-0.8.*' -print -quit)
  if [[ -z "$tree" ]]; then
    log "fetching pgvector source from Debian $PGVECTOR_SUITE ($(debian_mirror))"
    apt-get "${apt_opts[@]}" update
    (cd "$src_dir" && apt-get "${apt_opts[@]}" source pgvector >/dev/null)
    tree=$(find "$src_dir" -mindepth 1 -maxdepth 1 -type d -name 'pgvector-*' -print -quit)
  fi
  [[ -n "$tree" && -f "$tree/Makefile" ]] || die "apt-get source pgvector produced no source tree in $src_dir"
  log "building $(basename "$tree") against $("$PG_CONFIG" --version)"
  # OPTFLAGS= drops -march=native, as Debian's own build does: the library stays valid if the disk moves
  # to another CPU; pgvector dispatches its SIMD distance kernels at run time anyway.
  make -s -C "$tree" -j"$(nproc)" PG_CONFIG="$PG_CONFIG" OPTFLAGS= >/dev/null
  "${SUDO[@]}" make -s -C "$tree" PG_CONFIG="$PG_CONFIG" OPTFLAGS= install >/dev/null
}

ensure_pgvector() {
  local have
  have=$(pgvector_version)
  [[ "$have" == "$PGVECTOR_WANTED"* ]] && return 0
  local candidate
  candidate=$(apt-cache policy "postgresql-$PG_MAJOR-pgvector" 2>/dev/null | awk '/Candidate:/ {print $2}')
  if [[ "$candidate" == "$PGVECTOR_WANTED"* ]]; then
    apt_install "postgresql-$PG_MAJOR-pgvector"
  else
    build_pgvector_from_source
  fi
  have=$(pgvector_version)
  [[ "$have" == "$PGVECTOR_WANTED"* ]] || die "pgvector ${PGVECTOR_WANTED}x wanted, ${have:-none} installed"
  log "pgvector $have installed"
}

mapfile -t missing < <(missing_packages "${PACKAGES[@]}")
if ((${#missing[@]})); then
  apt_install "${missing[@]}"
fi
disable_system_services
ensure_pgvector
log "prerequisites present (pgvector $(pgvector_version)) in $(elapsed "$t0") s"
