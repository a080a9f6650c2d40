#!/usr/bin/env bash
# Installs what is missing (tools/setup.sh), then configures and builds polyrep in ./build.
# Usage: tools/build.sh [--target T]... [extra cmake -D options]
#   --target T  build only T (and what it needs), e.g. `--target polyrep` for the command alone,
#               as the demo does: the test suite is most of the build.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
targets=()
while [ $# -gt 0 ] && [ "$1" = --target ]; do
  [ $# -ge 2 ] || { echo "build.sh: --target needs a value" >&2; exit 2; }
  targets+=(--target "$2"); shift 2
done
bash "$root/tools/setup.sh"
build=${POLYREP_BUILD_DIR:-"$root/build"}
# Ninja for a new build directory: with precompiled headers, CMake's Makefiles list every source's
# flags in one flags.make that all objects depend on, so adding any .cpp rebuilt the whole library
# (7 minutes here); Ninja rebuilds only what changed. An existing directory keeps its generator.
generator=()
[ -f "$build/CMakeCache.txt" ] || ! command -v ninja >/dev/null || generator=(-G Ninja)
cmake -S "$root" -B "$build" "${generator[@]}" -DCMAKE_BUILD_TYPE=RelWithDebInfo "$@" >/dev/null
cmake --build "$build" -j "$(nproc)" "${targets[@]}"
