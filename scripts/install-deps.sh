#!/usr/bin/env bash
# Installs the Debian packages dtrsim needs to build, test and run, only when one is missing.
# Usage: scripts/install-deps.sh [build|test]   (test adds HAProxy, NGINX and tools for the suite)
set -euo pipefail

packages=(build-essential cmake pkg-config ca-certificates
          libcpp-httplib-dev nlohmann-json3-dev libcli11-dev libssl-dev)
if [ "${1:-build}" = "test" ]; then
  packages+=(catch2 haproxy nginx libnginx-mod-stream socat curl iproute2 python3 python3-jsonschema procps openssl)
fi

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "Installing: ${missing[*]}"
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get -o DPkg::Lock::Timeout=600 -q update
$sudo apt-get -o DPkg::Lock::Timeout=600 -y -q --no-install-recommends install "${missing[@]}"
