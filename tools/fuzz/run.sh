#!/usr/bin/env bash
# Builds the libFuzzer targets in ./build-fuzz (clang, -DPOLYREP_FUZZ=ON) and runs each in turn,
# one fuzzer process at a time, for SECONDS (default 600), then prints per target the executions,
# coverage and findings. The working corpus grows in build-fuzz/corpus/<target> (the committed
# seeds in tests/fuzz/<target>/ are read, never written); findings go to build-fuzz/findings/.
# Usage: tools/fuzz/run.sh [SECONDS] [TARGET...]   (targets: safetensors config vocab spm corpus)
# Environment: POLYREP_FUZZ_BUILD_DIR, POLYREP_FUZZ_JOBS (build parallelism, default 2),
#              POLYREP_FUZZ_ARGS (extra libFuzzer flags, e.g. -max_len=16384).
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
seconds=${1:-600}
[ $# -gt 0 ] && shift
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(safetensors config vocab spm corpus)
build=${POLYREP_FUZZ_BUILD_DIR:-"$root/build-fuzz"}

generator=()
[ -f "$build/CMakeCache.txt" ] || ! command -v ninja >/dev/null || generator=(-G Ninja)
# No tests, no precompiled headers: only the parser sources and the targets are compiled.
cmake -S "$root" -B "$build" "${generator[@]}" -DCMAKE_C_COMPILER=clang -DCMAKE_CXX_COMPILER=clang++ \
  -DCMAKE_BUILD_TYPE=RelWithDebInfo -DPOLYREP_FUZZ=ON -DPOLYREP_BUILD_TESTS=OFF -DPOLYREP_PCH=OFF >/dev/null
build_targets=()
for t in "${targets[@]}"; do build_targets+=(--target "${t}_fuzz"); done
cmake --build "$build" -j "${POLYREP_FUZZ_JOBS:-2}" "${build_targets[@]}"

# Leaks are findings here (each input must free what it allocates), UBSan is fatal (compiled so).
export ASAN_OPTIONS=${ASAN_OPTIONS:-abort_on_error=1:detect_odr_violation=0}
summary=()
for t in "${targets[@]}"; do
  corpus="$build/corpus/$t" findings="$build/findings/$t" log="$build/fuzz-$t.log"
  mkdir -p "$corpus" "$findings"
  dict=()
  [ -f "$root/tools/fuzz/$t.dict" ] && dict=(-dict="$root/tools/fuzz/$t.dict")
  echo "== $t: ${seconds}s (log $log)"
  set +e
  # -timeout: an input that takes 10 s is a hang; -rss_limit_mb also caps single allocations
  # (malloc_limit_mb defaults to it), so an absurd size read from the input is a finding too.
  "$build/tools/fuzz/${t}_fuzz" "$corpus" "$root/tests/fuzz/$t" "${dict[@]}" \
    -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len=8192 \
    -artifact_prefix="$findings/" -print_final_stats=1 ${POLYREP_FUZZ_ARGS:-} >"$log" 2>&1
  rc=$?
  set -e
  execs=$(grep -o 'stat::number_of_executed_units:[[:space:]]*[0-9]*' "$log" | grep -o '[0-9]*$' || echo "?")
  rate=$(grep -o 'stat::average_exec_per_sec:[[:space:]]*[0-9]*' "$log" | grep -o '[0-9]*$' || echo "?")
  last=$(grep -E '^#[0-9]+' "$log" | tail -1 | grep -oE 'cov: [0-9]+ ft: [0-9]+ corp: [0-9]+' || true)
  found=$(find "$findings" -type f | wc -l)
  line="$t: rc $rc, $execs execs ($rate/s), ${last:-no stats}, $found finding file(s) in $findings"
  echo "$line"
  [ "$rc" -eq 0 ] || grep -m3 -E 'ERROR: |runtime error:|invariant broken|terminate called' "$log" || true
  summary+=("$line")
done
echo "== summary"
printf '%s\n' "${summary[@]}"
