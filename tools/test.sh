#!/usr/bin/env bash
# The README's test command: install what is missing, build, run the whole test suite.
# Usage: tools/test.sh [--sanitize] [ctest arguments, e.g. -L unit]
#   --sanitize  build in ./build-asan with AddressSanitizer + UndefinedBehaviorSanitizer (gcc) and
#               run the suite there; the normal ./build is left alone.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
if [ "${1:-}" = --sanitize ]; then
  shift
  flags="-fsanitize=address,undefined -fno-omit-frame-pointer"
  export POLYREP_BUILD_DIR=${POLYREP_BUILD_DIR:-"$root/build-asan"}
  # Leaks: Open MPI and libtorch keep allocations alive until exit by design, so LeakSanitizer
  # would report them on every test; what we look for is memory errors and UB in our code.
  # UBSan stops at the first report so that ctest sees a failure instead of a log line.
  export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=0:abort_on_error=1:detect_odr_violation=0}
  export UBSAN_OPTIONS=${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1}
  bash "$root/tools/build.sh" "-DCMAKE_C_FLAGS=$flags" "-DCMAKE_CXX_FLAGS=$flags" \
    "-DCMAKE_EXE_LINKER_FLAGS=-fsanitize=address,undefined" \
    "-DCMAKE_SHARED_LINKER_FLAGS=-fsanitize=address,undefined"
else
  bash "$root/tools/build.sh"
fi
build=${POLYREP_BUILD_DIR:-"$root/build"}
cd "$build"
ctest --output-on-failure -j "$(nproc)" "$@"
