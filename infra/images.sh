#!/usr/bin/env bash
# Makes sure the container images of PostgreSQL+pgvector and RabbitMQ are present, and prints the image names to
# use as `KEY=image` lines (Images__Postgres=…, Images__RabbitMq=…) for the AppHost, the tests and the benches.
#
# The official images (pgvector/pgvector:pg17, rabbitmq:4-management) are used when present or pullable. Where no
# registry is reachable (this project's CI), local equivalents are built from Debian trixie packages with
# mmdebstrap and `<engine> import`, with entrypoints that honour the official images' environment
# (infra/images/*/entrypoint.sh). A second run finds them and takes about a second. Rebuilt when an entrypoint or a
# recipe (suite, packages, hook, image settings) changes: their hash is the tag.
#
# Usage: infra/images.sh [--local]     (--local: skip the pull, always use the local images)
# Env:   FACEASPIRE_CONTAINER_ENGINE (docker|podman; default: whichever infra/containers.sh finds)
set -euo pipefail
shopt -s inherit_errexit
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=infra/containers.sh
source "$here/containers.sh"

OFFICIAL_POSTGRES="docker.io/pgvector/pgvector:pg17"
OFFICIAL_RABBITMQ="docker.io/library/rabbitmq:4-management"
SUITE=trixie
MIRROR="${FACEASPIRE_DEBIAN_MIRROR:-http://deb.debian.org/debian}"
local_only=0
[[ "${1:-}" == "--local" ]] && local_only=1

log() { printf 'images.sh: %s\n' "$*" >&2; }

have_image() { "$ENGINE" image exists "$1" 2>/dev/null || "$ENGINE" image inspect "$1" >/dev/null 2>&1; }

# True when the official image is present or could be pulled within 60 s.
official_available() {
  ((local_only)) && return 1
  have_image "$1" && return 0
  timeout 60 "$ENGINE" pull -q "$1" >/dev/null 2>&1
}

# build_local NAME TAG PACKAGES ENTRYPOINT HOOK CHANGES... : a minbase trixie rootfs with PACKAGES, the entrypoint at
# /usr/local/bin/entrypoint.sh and HOOK run on it, imported as localhost/faceaspire/NAME:TAG-<recipe hash> with the
# image config CHANGES.
build_local() {
  local name=$1 tag=$2 packages=$3 entrypoint=$4 hook=$5
  shift 5
  local recipe_hash
  recipe_hash=$({ cat "$entrypoint"; printf '%s\n' "$SUITE" "$packages" "$hook" "$@"; } | sha256sum | cut -c1-12)
  tag="$tag-$recipe_hash"
  local image="localhost/faceaspire/$name:$tag" tmp started=$SECONDS
  if have_image "$image"; then
    echo "$image"
    return
  fi
  log "building $image from Debian $SUITE packages ($packages)"
  command -v mmdebstrap >/dev/null || die_images "mmdebstrap is missing (apt-get install mmdebstrap; infra/install.sh does it)"
  tmp=$(mktemp -d)
  # No docs, man pages or translations: a third of the rootfs, and nothing in a server container reads them.
  mmdebstrap --quiet --variant=minbase --include="$packages" \
    --dpkgopt='path-exclude=/usr/share/doc/*' --dpkgopt='path-exclude=/usr/share/man/*' \
    --dpkgopt='path-exclude=/usr/share/locale/*' \
    --customize-hook="upload $entrypoint /usr/local/bin/entrypoint.sh" \
    --customize-hook='chmod 755 "$1/usr/local/bin/entrypoint.sh"' \
    --customize-hook="$hook" \
    "$SUITE" "$tmp/rootfs.tar" "$MIRROR" >&2
  local changes=()
  for c in "$@"; do changes+=(--change "$c"); done
  "$ENGINE" import -q "${changes[@]}" "$tmp/rootfs.tar" "$image" >/dev/null
  rm -rf "$tmp"
  log "built $image in $((SECONDS - started)) s"
  # Earlier builds (other tags) are dead weight, ~400 MB each; one still used by a container stays.
  "$ENGINE" images --format '{{.Repository}}:{{.Tag}}' "localhost/faceaspire/$name" 2>/dev/null | grep -vxF "$image" |
    xargs -r "$ENGINE" rmi >/dev/null 2>&1 || true
  echo "$image"
}

die_images() { log "ERROR: $*"; exit 1; }

if official_available "$OFFICIAL_POSTGRES"; then
  postgres="$OFFICIAL_POSTGRES"
else
  postgres=$(build_local pgvector pg17 \
    postgresql-17,postgresql-17-pgvector,ca-certificates \
    "$here/images/postgres/entrypoint.sh" \
    'chroot "$1" pg_dropcluster 17 main' \
    'ENTRYPOINT ["/usr/local/bin/entrypoint.sh"]' 'CMD ["postgres"]' 'EXPOSE 5432' \
    'ENV PGDATA=/var/lib/postgresql/data' 'ENV LANG=C.UTF-8' 'STOPSIGNAL SIGINT' \
    'ENV PATH=/usr/lib/postgresql/17/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin')
fi

if official_available "$OFFICIAL_RABBITMQ"; then
  rabbitmq="$OFFICIAL_RABBITMQ"
else
  rabbitmq=$(build_local rabbitmq 4-management \
    rabbitmq-server \
    "$here/images/rabbitmq/entrypoint.sh" \
    'chroot "$1" rabbitmq-plugins enable --offline rabbitmq_management >/dev/null' \
    'ENTRYPOINT ["/usr/local/bin/entrypoint.sh"]' 'CMD ["rabbitmq-server"]' 'EXPOSE 5672' 'EXPOSE 15672' \
    'ENV HOME=/var/lib/rabbitmq' 'ENV LANG=C.UTF-8')
fi

echo "Images__Postgres=$postgres"
echo "Images__RabbitMq=$rabbitmq"
