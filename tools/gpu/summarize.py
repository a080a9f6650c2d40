#!/usr/bin/env python3
"""summary.json and summary.md of tools/gpu/device_check.sh from what its phases left in WORK.

  summarize.py WORK OUTDIR DEVICE PHASES "name:status:seconds,..."

Per benchmark run (model x precision): polyrep's tokens/s (tokens / wall seconds of the extract,
load excluded: the sum of its tokenize, forward, copy, wait, write and finalize phases), its
phases, the GPU memory nvidia-smi saw at most during the run, HuggingFace's tokens/s (forward
alone, and forward + copying every layer's real-token rows to the host), polyrep/HF, and the
fraction of the GPU's bf16 peak (790 TFLOP/s, measured on the lent H200) that polyrep's forward
phase reached: analytic forward FLOPs (hf_bench.py flops) / forward seconds / 790e12.
"""
import glob
import json
import os
import sys

PEAK = 790e12


def load(path):
    try:
        return json.load(open(path))
    except (OSError, ValueError):
        return None


def gpu_peak_mib(path):
    try:
        values = [float(v) for v in open(path).read().split() if v.strip()]
        return max(values) if values else None
    except (OSError, ValueError):
        return None


def polyrep_numbers(m):
    phases = {}
    for rank in m.get("per_rank", []):
        for k, v in rank.get("seconds", {}).items():
            phases[k] = max(phases.get(k, 0.0), v)
    work = sum(v for k, v in phases.items() if k != "load")
    return phases, work, m.get("tokens", 0)


def bench_rows(work):
    rows = []
    for metrics in sorted(glob.glob(os.path.join(work, "*.metrics.json"))):
        tag = os.path.basename(metrics)[:-len(".metrics.json")]
        m = load(metrics)
        if not m:
            continue
        phases, seconds, tokens = polyrep_numbers(m)
        row = {"run": tag, "precision": m.get("precision"), "device": m.get("device"), "ranks": m.get("ranks"),
               "tokens": tokens, "polyrep_seconds": seconds, "polyrep_wall_seconds": m.get("wall_seconds"),
               "polyrep_tokens_per_s": tokens / seconds if seconds else None, "phases": phases,
               "bytes_written": m.get("bytes_written"), "gpu_memory_peak_mib": gpu_peak_mib(os.path.join(work, tag + ".gpumem"))}
        if phases.get("write"):
            row["write_bandwidth_gb_s"] = (m.get("bytes_written") or 0) / phases["write"] / 1e9
        hf = load(os.path.join(work, tag + ".hf.json"))
        if hf:
            row["hf_forward_tokens_per_s"] = hf["forward"]["tokens_per_s"]
            row["hf_forward_copy_tokens_per_s"] = hf["forward_copy"]["tokens_per_s"]
            row["hf_max_memory_allocated_mib"] = hf.get("max_memory_allocated_bytes", 0) / 2**20
            if row["polyrep_tokens_per_s"]:
                row["polyrep_over_hf"] = row["polyrep_tokens_per_s"] / hf["forward_copy"]["tokens_per_s"]
        flops = load(os.path.join(work, tag + ".flops.json"))
        if flops and phases.get("forward"):
            row["forward_tflop_s"] = flops["flops"] / phases["forward"] / 1e12
            row["fraction_of_bf16_peak"] = flops["flops"] / phases["forward"] / PEAK
        size = os.path.join(work, tag + ".size")
        if os.path.exists(size):
            row["file_bytes"] = int(open(size).read())
        rows.append(row)
    return rows


def fmt(v, spec="{:.3g}"):
    return "-" if v is None else spec.format(v)


def main():
    work, out, device, _, phase_list = sys.argv[1:6]
    phases = []
    for item in phase_list.strip(",").split(","):
        if item:
            name, status, seconds = item.split(":")
            phases.append({"phase": name, "status": status, "seconds": int(seconds or 0)})
    rows = bench_rows(work)
    summary = {"device": device, "phases": phases, "runs": rows, "bf16_peak_flop_s": PEAK}
    json.dump(summary, open(os.path.join(out, "summary.json"), "w"), indent=1)
    md = [f"# device check ({device})", "", "| phase | status | s |", "|---|---|---:|"]
    md += [f"| {p['phase']} | {p['status']} | {p['seconds']} |" for p in phases]
    md += ["", "| run | tokens | polyrep tok/s | HF tok/s (fwd / fwd+copy) | polyrep/HF | forward TFLOP/s | of peak | GPU MiB (polyrep / HF) | forward, copy, wait, write s |",
           "|---|---:|---:|---:|---:|---:|---:|---:|---|"]
    for r in rows:
        ph = r["phases"]
        md.append(f"| {r['run']} | {r['tokens']} | {fmt(r['polyrep_tokens_per_s'], '{:.0f}')} | "
                  f"{fmt(r.get('hf_forward_tokens_per_s'), '{:.0f}')} / {fmt(r.get('hf_forward_copy_tokens_per_s'), '{:.0f}')} | "
                  f"{fmt(r.get('polyrep_over_hf'), '{:.2f}')} | {fmt(r.get('forward_tflop_s'), '{:.1f}')} | "
                  f"{fmt(r.get('fraction_of_bf16_peak'), '{:.1%}')} | {fmt(r.get('gpu_memory_peak_mib'), '{:.0f}')} / "
                  f"{fmt(r.get('hf_max_memory_allocated_mib'), '{:.0f}')} | "
                  + ", ".join(fmt(ph.get(k), '{:.2f}') for k in ["forward", "copy", "wait", "write"]) + " |")
    open(os.path.join(out, "summary.md"), "w").write("\n".join(md) + "\n")


if __name__ == "__main__":
    main()
