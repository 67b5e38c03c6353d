#!/usr/bin/env bash
# Installs what is missing, builds dtrsim (Release) and runs `dtrsim run` with the given flags
# (default: 3 replicas on 127.0.0.1, HTTP 8080-8082, HTTPS 8443-8445, control API on 7070).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh build
cmake -S . -B build-release -DCMAKE_BUILD_TYPE=Release -DDTRSIM_BUILD_TESTS=OFF >/dev/null
cmake --build build-release -j"$(nproc)" >/dev/null
exec build-release/dtrsim run "$@"
