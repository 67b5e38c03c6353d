#!/usr/bin/env bash
# Installs what is missing, then builds and runs the whole test suite three times: a normal
# build, AddressSanitizer+UndefinedBehaviorSanitizer, and ThreadSanitizer. Any failure or
# sanitizer report fails the script.
# Usage: scripts/test.sh [plain|asan|tsan ...]   (default: all three)
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh test

builds=("$@")
[ ${#builds[@]} -eq 0 ] && builds=(plain asan tsan)
jobs=$(nproc)

for b in "${builds[@]}"; do
  case "$b" in
    plain) dir=build;      flags=(-DCMAKE_BUILD_TYPE=RelWithDebInfo) ;;
    asan)  dir=build-asan; flags=(-DCMAKE_BUILD_TYPE=Debug -DDTRSIM_SANITIZE=address) ;;
    tsan)  dir=build-tsan; flags=(-DCMAKE_BUILD_TYPE=RelWithDebInfo -DDTRSIM_SANITIZE=thread) ;;
    *) echo "unknown build '$b' (plain, asan, tsan)" >&2; exit 2 ;;
  esac
  echo "== $b build ($dir)"
  cmake -S . -B "$dir" "${flags[@]}" >/dev/null
  cmake --build "$dir" -j"$jobs"
  echo "== $b tests"
  # Sanitizer reports make the process exit non-zero, so ctest counts them as failures.
  # tests/tsan.supp says which report is suppressed and why (a false positive in cpp-httplib).
  ASAN_OPTIONS=detect_leaks=1:abort_on_error=0:halt_on_error=1 \
  UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
  TSAN_OPTIONS=halt_on_error=1:second_deadlock_stack=1:suppressions=$PWD/tests/tsan.supp \
    ctest --test-dir "$dir" --output-on-failure -j"$jobs" --timeout 600
done
echo "== all builds passed: ${builds[*]}"
