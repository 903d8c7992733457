# shellcheck shell=bash
# Sourced by the scripts that need a container engine. Sets ENGINE to docker (when a Docker engine answers) or
# podman, and for podman points CONTAINERS_CONF at infra/containers.conf (runc, and file/process limits that the
# default crun cannot apply on this kind of host). Exported, so the AppHost's orchestrator and the podman service
# started for Testcontainers inherit it. FACEASPIRE_CONTAINER_ENGINE forces one.
_containers_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

if [[ -n "${FACEASPIRE_CONTAINER_ENGINE:-}" ]]; then
  ENGINE="$FACEASPIRE_CONTAINER_ENGINE"
elif command -v docker >/dev/null && docker info >/dev/null 2>&1; then
  ENGINE=docker
elif command -v podman >/dev/null; then
  ENGINE=podman
else
  echo "containers.sh: no container engine: install Docker, or podman (infra/install.sh installs podman)" >&2
  exit 1
fi
export ENGINE
# The Aspire AppHost (and its tests) drive the same engine.
export ASPIRE_CONTAINER_RUNTIME="$ENGINE"
if [[ "$ENGINE" == podman ]]; then
  export CONTAINERS_CONF="${CONTAINERS_CONF:-$_containers_dir/containers.conf}"
fi

# Starts what Testcontainers talks to, and exports its settings: with Docker, nothing (the Docker socket); with
# podman, `podman system service` on a private socket (Docker-compatible API), stopped by stop_container_api.
# Testcontainers' reaper (Ryuk) is an image too, which cannot be pulled here: it is off, and the tests remove their
# containers themselves, and remove_test_containers removes whatever this run left (a crash).
start_container_api() {
  if [[ "$ENGINE" == podman ]]; then
    CONTAINER_API_SOCKET="/run/faceaspire-podman-$$.sock"
    podman system service --time=0 "unix://$CONTAINER_API_SOCKET" >/dev/null 2>&1 &
    CONTAINER_API_PID=$!
    local i
    for ((i = 0; i < 100; i++)); do
      [[ -S "$CONTAINER_API_SOCKET" ]] && break
      sleep 0.1
    done
    [[ -S "$CONTAINER_API_SOCKET" ]] || { echo "containers.sh: podman system service did not open $CONTAINER_API_SOCKET" >&2; return 1; }
    export DOCKER_HOST="unix://$CONTAINER_API_SOCKET"
  fi
  export TESTCONTAINERS_RYUK_DISABLED=true TESTCONTAINERS_HOST_OVERRIDE=127.0.0.1
  export FACEASPIRE_TEST_RUN="${FACEASPIRE_TEST_RUN:-run-$$-$RANDOM}"
}

stop_container_api() {
  [[ -n "${CONTAINER_API_PID:-}" ]] && kill "$CONTAINER_API_PID" 2>/dev/null
  [[ -n "${CONTAINER_API_SOCKET:-}" ]] && rm -f "$CONTAINER_API_SOCKET"
  return 0
}

# Removes the containers this run's tests or benches created and left (label faceaspire.test-run=$FACEASPIRE_TEST_RUN,
# which start_container_api sets): never another run's, which may share the machine.
remove_test_containers() {
  local ids
  [[ -n "${FACEASPIRE_TEST_RUN:-}" ]] || return 0
  ids=$("$ENGINE" ps -aq --filter "label=faceaspire.test-run=$FACEASPIRE_TEST_RUN" 2>/dev/null || true)
  [[ -n "$ids" ]] && "$ENGINE" rm -f -v $ids >/dev/null 2>&1
  return 0
}
