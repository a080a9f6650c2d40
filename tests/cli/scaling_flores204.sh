#!/usr/bin/env bash
# The whole of Flores-200 (all 204 languages of tests/data, 4 sentences each) through extract and
# reduce at 1 and 2 ranks via tools/scaling.sh, then checks what it reports: a CSV row per point
# with 204 languages, phase times, bytes and memory; the chart files; and extraction files that
# hold 204 languages with their reduce results reachable as /reduce.
set -euo pipefail
polyrep=$1
root=$(cd "$(dirname "$0")/../.." && pwd)
out=$(mktemp -d); trap 'rm -rf "$out"' EXIT
POLYREP=$polyrep bash "$root/tools/scaling.sh" --ranks "1 2" --langs all --weak 0 --sample 4 --keep \
  --reduce-args "--pca 8 --tsne --iterations 120 --tsne-max-points 1500" --out "$out" > "$out/log" 2>&1 \
  || { cat "$out/log"; exit 1; }
fail() { echo "scaling_flores204: $*" >&2; cat "$out/log" >&2; exit 1; }
for f in scaling.csv scaling.md scaling.svg scaling.png metrics/extract-r1-l204.json metrics/reduce-r2-l204.json; do
  [ -s "$out/$f" ] || fail "missing $f"
done
# CSV: header + 2 rows; columns by name.
awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) col[$i] = i; next }
  { rows++
    if ($col["languages"] != 204) { print "languages " $col["languages"]; bad = 1 }
    if ($col["tokens"] < 1000) { print "tokens " $col["tokens"]; bad = 1 }
    for (c in col) if (c ~ /^(extract_wall_s|reduce_wall_s|extract_forward_s|extract_write_mb_per_s|extract_peak_rss_max_mib|extract_busy_imbalance)$/ && $col[c] == "") { print "empty " c; bad = 1 }
    if ($col["ranks"] == 2 && $col["extract_strong_eff"] == "") { print "no strong efficiency at 2 ranks"; bad = 1 } }
  END { if (rows != 2) { print rows " rows"; bad = 1 } exit bad }' "$out/scaling.csv" || fail "unexpected CSV"
for r in 1 2; do
  info=$("$polyrep" inspect "$out/runs/r$r-l204.h5") || fail "inspect r$r"
  grep -q "^languages (204)" <<<"$info" || fail "r$r: not 204 languages: $info"
  grep -q "not reduced yet" <<<"$info" && fail "r$r: reduce results not reachable"
done
# Ranks agree: the same hidden states whatever the rank count.
h5diff -q "$out/runs/r1-l204.h5" "$out/runs/r2-l204.h5" /hidden/tokens /hidden/tokens || fail "np1 and np2 differ"
echo "scaling_flores204: ok"; sed -n '1,4p' "$out/scaling.md"
