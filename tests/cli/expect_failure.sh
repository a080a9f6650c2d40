#!/usr/bin/env bash
# Runs a polyrep command that must fail cleanly on bad input: non-zero exit well before the time
# limit (no hang of other ranks), the expected message printed exactly once, no crash signal, and
# no output file with complete=1 (nor a changed one, when it existed before).
# Usage: expect_failure.sh [--skip-if-gpu] REGEX OUTFILE[,OUTFILE...]|- -- COMMAND...
#   each OUTFILE that exists before must be unchanged after, each that does not must not appear.
#   --skip-if-gpu: exit 77 (skipped) where nvidia-smi sees a GPU, for failures that need none.
set -u
if [ "$1" = --skip-if-gpu ]; then
  shift
  if command -v nvidia-smi >/dev/null && nvidia-smi -L 2>/dev/null | grep -q GPU; then
    echo "skipped: a GPU is visible"; exit 77
  fi
fi
regex=$1; outfiles=$2; shift 3
[ "$outfiles" = "-" ] && outfiles=""
IFS=, read -r -a outfile_list <<<"$outfiles"
declare -A before
for outfile in "${outfile_list[@]}"; do
  before[$outfile]=""
  [ -e "$outfile" ] && before[$outfile]=$(sha256sum "$outfile")
done
log=$(mktemp)
timeout 120 "$@" >"$log" 2>&1
rc=$?
fail() { echo "FAIL: $*"; echo "---- output ----"; cat "$log"; rm -f "$log"; exit 1; }
[ $rc -eq 0 ] && fail "exit code 0 for bad input"
[ $rc -eq 124 ] && fail "timed out (a rank hung?)"
[ $rc -ge 128 ] && fail "killed by signal $((rc - 128))"
grep -qi "segmentation fault\|core dumped\|terminate called" "$log" && fail "crash in output"
count=$(grep -cE -- "$regex" "$log")
[ "$count" -ge 1 ] || fail "message /$regex/ not found"
errors=$(grep -c "error:" "$log")
[ "$errors" -le 1 ] || fail "$errors error lines (want one line, from one rank)"
for outfile in "${outfile_list[@]}"; do
  if [ -n "${before[$outfile]}" ]; then
    [ "$(sha256sum "$outfile")" = "${before[$outfile]}" ] || fail "existing $outfile was changed"
  else
    [ -e "$outfile" ] && fail "$outfile was created"
  fi
done
echo "ok (exit $rc): $(grep -m1 -E -- "$regex" "$log")"
rm -f "$log"
