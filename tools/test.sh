#!/usr/bin/env bash
# The README's test command: install what is missing, build, run the whole test suite.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
bash "$root/tools/build.sh"
build=${POLYREP_BUILD_DIR:-"$root/build"}
cd "$build"
ctest --output-on-failure -j "$(nproc)" "$@"
