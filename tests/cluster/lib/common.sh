# Sourced by the cluster tests: locating the repository and polyrep, a scratch directory removed on
# exit, and the checks every test makes on an output file.
#
# After sourcing: CL_ROOT (repository), CL_DATA (tests/data), CL_POLYREP (binary; from $1 of the
# test, $POLYREP, or build/src/polyrep), CL_TMP (scratch directory, removed by cl_cleanup unless
# POLYREP_KEEP_TMP=1). Exit statuses: 0 passed, 1 failed, 77 skipped.

CL_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)
CL_DATA="$CL_ROOT/tests/data"
CL_TMP=""
CL_CLEANUPS=()

cl_fail() { echo "FAIL: $*" >&2; exit 1; }
cl_ok() { echo "ok: $*"; }
cl_skip() { echo "SKIP: $*"; exit 77; }

# cl_find_polyrep [PATH]: sets CL_POLYREP to an absolute path, or fails.
cl_find_polyrep() {
  local p=${1:-${POLYREP:-$CL_ROOT/build/src/polyrep}}
  [ -x "$p" ] || cl_fail "polyrep binary not found at '$p' (pass it as the first argument or set POLYREP)"
  CL_POLYREP=$(cd "$(dirname "$p")" && pwd)/$(basename "$p")
}

# cl_on_exit CMD: run CMD (a string for eval) when the test exits, last registered first.
cl_on_exit() { CL_CLEANUPS=("$1" "${CL_CLEANUPS[@]}"); }

cl_cleanup() {
  local rc=$? c
  trap - EXIT INT TERM
  for c in "${CL_CLEANUPS[@]}"; do eval "$c" || true; done
  if [ -n "$CL_TMP" ] && [ -d "$CL_TMP" ]; then
    if [ "${POLYREP_KEEP_TMP:-0}" = 1 ]; then echo "kept $CL_TMP"; else rm -rf "$CL_TMP"; fi
  fi
  exit "$rc"
}

# cl_start NAME: scratch directory and exit trap (INT/TERM end the test with status 1 after cleanup).
cl_start() {
  CL_TMP=$(mktemp -d "${TMPDIR:-/tmp}/polyrep-$1.XXXXXX")
  trap cl_cleanup EXIT
  trap 'echo "FAIL: interrupted" >&2; exit 1' INT TERM
}

# cl_show_log FILE: the tail of a log, when a step failed.
cl_show_log() { echo "---- last lines of $1 ----" >&2; tail -n "${2:-40}" "$1" >&2 || true; echo "----" >&2; }

# cl_reference ARGS...: a single-process extraction of the same input, run here without MPI
# launchers, to compare a cluster run with. Writes $CL_TMP/reference.h5.
cl_reference() {
  "$CL_POLYREP" extract "$@" --threads 1 --out "$CL_TMP/reference.h5" -q \
    || cl_fail "reference extraction failed"
}

# cl_h5same [-d DELTA] A B DATASET: whether DATASET is the same in files A and B. h5diff alone is not
# enough: it exits 0 when the two datasets have different shapes ("not comparable"), so any output
# at all counts as a difference.
cl_h5same() {
  local delta=() out rc=0
  [ "$1" = -d ] && { delta=(-d "$2"); shift 2; }
  out=$(h5diff "${delta[@]}" "$1" "$2" "$3" "$3" 2>&1) || rc=$?
  [ "$rc" -eq 0 ] && [ -z "$out" ] && return 0
  echo "h5diff $3: ${out:0:300}" >&2
  return 1
}

# cl_check_file FILE RANKS: complete, written by RANKS ranks, same data as the reference (float
# datasets within 1e-4: thread counts change the order of float sums), reduce results present.
cl_check_file() {
  local file=$1 ranks=$2 d
  [ -f "$file" ] || cl_fail "no output file $file"
  [ ! -e "$file.partial" ] || cl_fail "$file.partial left next to the finished file"
  "$CL_POLYREP" inspect --check "$file" > "$CL_TMP/inspect.txt" || { cat "$CL_TMP/inspect.txt"; cl_fail "inspect --check: $file is not complete"; }
  grep -qx "ranks: $ranks" "$CL_TMP/inspect.txt" || cl_fail "$file was not written by $ranks ranks: $(grep '^ranks' "$CL_TMP/inspect.txt")"
  cl_ok "polyrep inspect --check: complete, written by $ranks ranks"
  if [ -f "$CL_TMP/reference.h5" ]; then
    command -v h5diff >/dev/null || cl_fail "h5diff (hdf5-tools) not installed"
    for d in /tokens/id /tokens/text /sentences/text /sentences/token_offset; do
      cl_h5same "$CL_TMP/reference.h5" "$file" "$d" || cl_fail "$d differs from the single-process reference"
    done
    for d in /hidden/tokens /hidden/sentences/mean; do
      cl_h5same -d 1e-4 "$CL_TMP/reference.h5" "$file" "$d" || cl_fail "$d differs from the single-process reference by more than 1e-4"
    done
    cl_ok "token ids/texts, sentences and hidden states equal to a single-process extraction (h5diff, floats within 1e-4)"
  fi
}

# cl_check_reduce FILE PCA_ARGS...: PCA and t-SNE datasets of `reduce --tsne` present, with one row
# per token, and the PCA the same as a single-process `reduce PCA_ARGS` of the reference.
cl_check_reduce() {
  local file=$1 tokens; shift
  tokens=$(awk '$1 == "/tokens/id" { gsub(/[()]/, "", $2); print $2 }' "$CL_TMP/inspect.txt")
  for d in /reduce/pca/tokens/projection /reduce/pca/sentences/explained_variance_ratio \
           /reduce/tsne/tokens/embedding /reduce/tsne/sentences/embedding; do
    grep -q "^  $d " "$CL_TMP/inspect.txt" || cl_fail "$d missing after reduce"
  done
  grep -Eq "^  /reduce/tsne/tokens/embedding  \([0-9]+, $tokens, 2\)" "$CL_TMP/inspect.txt" \
    || cl_fail "t-SNE token embedding does not have $tokens rows"
  cl_ok "reduce wrote PCA and t-SNE results ($tokens token rows)"
  if [ -f "$CL_TMP/reference.h5" ]; then
    "$CL_POLYREP" reduce "$CL_TMP/reference.h5" "$@" >/dev/null 2>&1 || cl_fail "reference reduce failed"
    for d in /reduce/pca/tokens/explained_variance_ratio /reduce/pca/sentences/explained_variance_ratio; do
      cl_h5same -d 1e-4 "$CL_TMP/reference.h5" "$file" "$d" || cl_fail "$d differs from a single-process reduce of the reference by more than 1e-4"
    done
    cl_ok "distributed PCA explained-variance ratios equal to a single-process reduce (within 1e-4)"
  fi
}

# cl_check_placement LOG RANKS THREADS [bound]: what polyrep extract says about where its ranks run.
# Rank 0 logs one line per rank ("placement: rank 1 on node7: CPUs 2-3 (2 cores of its own),
# 2 threads"); every rank 0..RANKS-1 must be there once, running the THREADS threads the launcher
# chose, and there must be no warning that threads share cores (the launcher gave each rank
# THREADS cores). With "bound" (the launcher bound ranks to cores): each rank has exactly THREADS
# cores of its own, and the ranks on one host have disjoint CPUs. Writes "rank host cpus cores
# threads" per rank to $CL_TMP/placement.table and prints it indented.
cl_check_placement() {
  local log=$1 ranks=$2 threads=$3 bound=${4:-} got
  sed -nE 's/.*placement: rank ([0-9]+) on ([^ :]+): CPUs ([0-9,-]+) \(([0-9.e+]+) cores? of its own\), ([0-9]+) threads?$/\1 \2 \3 \4 \5/p' "$log" \
    | sort -n -k1,1 > "$CL_TMP/placement.table"
  got=$(awk '{ print $1 }' "$CL_TMP/placement.table" | paste -sd' ' -)
  [ "$got" = "$(seq -s' ' 0 $((ranks - 1)))" ] \
    || { cl_show_log "$log" 60; cl_fail "$log: placement lines for ranks '$got', expected 0..$((ranks - 1)) once each"; }
  awk -v t="$threads" '$5 != t { bad = 1 } END { exit bad }' "$CL_TMP/placement.table" \
    || { cat "$CL_TMP/placement.table"; cl_fail "$log: not every rank runs the $threads thread(s) the launcher chose"; }
  if grep -q 'share cores' "$log"; then
    grep 'share cores' "$log" >&2
    cl_fail "$log: polyrep warns that threads share cores although the launcher gave each rank $threads core(s)"
  fi
  if [ "$bound" = bound ]; then
    awk -v t="$threads" '$4 + 0 != t { bad = 1 } END { exit bad }' "$CL_TMP/placement.table" \
      || { cat "$CL_TMP/placement.table"; cl_fail "$log: a rank bound to cores does not have $threads core(s) of its own"; }
    # Every CPU of a host in at most one rank's list.
    awk '{ n = split($3, parts, ","); for (i = 1; i <= n; i++) { m = split(parts[i], r, "-"); last = (m > 1) ? r[2] : r[1];
             for (c = r[1]; c <= last; c++) if (++seen[$2 " " c] > 1) bad = 1 } } END { exit bad }' "$CL_TMP/placement.table" \
      || { cat "$CL_TMP/placement.table"; cl_fail "$log: ranks on the same host share CPUs although they were bound to cores of their own"; }
  fi
  awk '{ printf "    rank %s on %s: CPUs %s, %s core(s) of its own, %s thread(s)\n", $1, $2, $3, $4, $5 }' "$CL_TMP/placement.table"
}
