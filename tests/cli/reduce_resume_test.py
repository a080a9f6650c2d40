#!/usr/bin/env python3
"""A killed reduce keeps the jobs it finished: the claims of README "When a run dies" for reduce.

  reduce_resume_test.py POLYREP DATA WORKDIR MPIRUN...

kill -9 of a random rank once the journal holds a seeded random number of jobs (PCA layers, the
token types, t-SNE rounds), then `reduce --resume`: the results equal an uninterrupted reduce
dataset by dataset, byte for byte at the same np (and within 1e-12 at another np: the PCA's
moments are summed over ranks); SIGTERM to every rank: exit 75, resumable; a changed option is
refused; reduce without --resume starts over; --resume of complete results does nothing.
"""
import os
import random
import shutil
import signal
import subprocess
import sys
import time

import h5py
import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import resume_test as rt  # noqa: E402  (read_all, frozen ranks, signals)

REDUCE = ["--pca", "10", "--tsne", "--perplexity", "10", "--iterations", "250", "--average-token-duplicates",
          "--threads", "1"]
JOBS = 2 * 3 + 1 + 3 * 3   # PCA of tokens and sentences per layer, types, t-SNE of 3 clouds per layer


def fail(message):
    print("FAIL: " + message)
    sys.exit(1)


class Reducer:
    def __init__(self, polyrep, work, mpirun, extraction):
        self.polyrep, self.work, self.mpirun, self.extraction = polyrep, work, mpirun, extraction

    def copy(self, name):
        """A copy of the extraction (its results go beside it, named after it)."""
        path = os.path.join(self.work, name + ".h5")
        shutil.copyfile(self.extraction, path)
        return path

    def command(self, np_, path, *extra, options=REDUCE):
        return self.mpirun + ["-np", str(np_), self.polyrep, "reduce", path, *options, *extra]

    def run(self, np_, path, *extra, expect=0):
        p = subprocess.run(self.command(np_, path, *extra), stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                           text=True, timeout=300)
        if expect is not None and p.returncode != expect:
            fail(f"exit {p.returncode} (wanted {expect}) for reduce np {np_} {' '.join(extra)}:\n{p.stdout}")
        return p.stdout


def results(path):
    return path[:-3] + ".reduce.h5"


def journal(path):
    return results(path) + ".partial.done"


def journal_jobs(path):
    try:
        with open(journal(path)) as f:
            return sum(int(b) - int(a) for a, b in (line.split() for line in f.read().split("\n")[:-1]))
    except FileNotFoundError:
        return 0


def rank_pids(path, mpirun_pid):
    found = subprocess.run(["pgrep", "-f", "polyrep reduce " + path + "( |$)"], stdout=subprocess.PIPE,
                           text=True).stdout.split()
    return [int(p) for p in found if int(p) != mpirun_pid]


def frozen_after(path, p, jobs):
    """Polls the journal every 2 ms until it holds `jobs` jobs, then stops (SIGSTOP) every rank."""
    while journal_jobs(path) < jobs and p.poll() is None:
        time.sleep(0.002)
    pids = rank_pids(path, p.pid)
    rt.signal_all(pids, signal.SIGSTOP)
    deadline = time.time() + 10
    while time.time() < deadline and not all(rt.all_threads_stopped(pid) for pid in pids):
        time.sleep(0.001)
    if p.poll() is not None or not pids or os.path.exists(results(path)):
        fail(f"the reduce of {path} ended before {jobs} jobs were recorded")
    return pids


def close_to(ref, path, what):
    """Every dataset equal within 1e-12 (relative to the dataset's largest value)."""
    with h5py.File(results(path), "r") as got:
        for name, (dtype, shape, value) in ref.items():
            if dtype == "str":
                continue
            a = np.frombuffer(value, dtype=dtype).reshape(shape).astype(float)
            b = got[name][()].astype(float)
            scale = max(1.0, float(np.max(np.abs(a)))) if a.size else 1.0
            if a.shape != b.shape or (a.size and np.max(np.abs(a - b)) > 1e-12 * scale):
                fail(f"{what}: {name} differs from the uninterrupted reduce")


def kill_trial(r, ref, rng, trial):
    path = r.copy(f"kill{trial}")
    np_first, np_resume = rng.choice([(2, 2), (3, 3), (2, 2), (3, 2)])
    after = rng.randint(1, JOBS - 2)
    p = subprocess.Popen(r.command(np_first, path), stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    pids = frozen_after(path, p, after)
    # Then on for a random moment: inside the next job, its writes or its flush.
    delay = rng.uniform(0, 0.4)
    rt.signal_all(pids, signal.SIGCONT)
    time.sleep(delay)
    rt.signal_all([rng.choice(pids)], signal.SIGKILL)
    p.communicate(timeout=120)
    print(f"trial {trial}: np {np_first}, kill -9 of a rank {delay:.2f} s after {after} of {JOBS} jobs: "
          f"exit {p.returncode}; resume at np {np_resume}")
    if p.returncode == 0:
        fail(f"trial {trial}: the reduce finished before the kill")
    line = [l for l in r.run(np_resume, path, "--resume").splitlines() if "resuming" in l]
    print("   " + (line[0].strip() if line else "(no resume line)"))
    if not line:
        fail(f"trial {trial}: --resume did not resume")
    if np_first == np_resume == 2:  # the reference ran at np 2
        rt.same_datasets(ref, results(path), f"trial {trial}")
    else:
        close_to(ref, path, f"trial {trial}")
    if any(os.path.exists(results(path) + s) for s in (".partial", ".partial.resume", ".partial.done")):
        fail(f"trial {trial}: partial files left after a complete reduce")


def sigterm_trial(r, ref):
    path = r.copy("term")
    p = subprocess.Popen(r.command(2, path), stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    pids = frozen_after(path, p, 3)
    rt.signal_all(pids, signal.SIGTERM)
    rt.signal_all(pids, signal.SIGCONT)
    log = p.communicate(timeout=120)[0]
    stopped = [l for l in log.splitlines() if "resumable: rerun with --resume" in l]
    print(f"SIGTERM to both ranks after {journal_jobs(path)} jobs: exit {p.returncode}")
    if p.returncode != 75 or len(stopped) != 1 or not os.path.exists(results(path) + ".partial.resume"):
        fail("a reduce stopped by SIGTERM: wanted exit 75, one 'resumable' line and a resume record:\n" + log)
    print("   " + stopped[0].strip())
    return path


def refusals(r, ref, path):
    """`path` holds an unfinished reduce (the SIGTERM trial's)."""
    before = open(journal(path)).read()
    other = [("12" if i > 0 and REDUCE[i - 1] == "--perplexity" else a) for i, a in enumerate(REDUCE)]
    got = subprocess.run(r.command(2, path, "--resume", options=other), stdout=subprocess.PIPE,
                         stderr=subprocess.STDOUT, text=True, timeout=300)
    errors = [l for l in got.stdout.splitlines() if "error:" in l]
    if got.returncode == 0 or len(errors) != 1 or "--perplexity was '10', is '12'" not in errors[0]:
        fail(f"--resume with another --perplexity: wanted one error naming it, got exit {got.returncode}:\n"
             + got.stdout)
    if open(journal(path)).read() != before:
        fail("a refused --resume changed the journal")
    print("refused --perplexity 12: " + errors[0])
    r.run(3, path, "--resume")
    close_to(ref, path, "SIGTERM at np 2, --resume at np 3")
    again = r.run(2, path, "--resume")
    if "nothing to do" not in again:
        fail("--resume of complete results: " + again)
    print("--resume of complete results: " + [l for l in again.splitlines() if "nothing to do" in l][0].strip())
    fresh = r.copy("fresh")
    p = subprocess.Popen(r.command(2, fresh), stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    pids = frozen_after(fresh, p, 2)
    rt.signal_all(pids, signal.SIGKILL)
    p.communicate(timeout=120)
    log = r.run(2, fresh)
    if "discarding the unfinished reduce" not in log:
        fail("reduce without --resume over an unfinished one: no warning:\n" + log)
    rt.same_datasets(ref, results(fresh), "reduce without --resume")
    print("without --resume: " + [l for l in log.splitlines() if "discarding" in l][0].strip())


def main():
    polyrep, data, work = sys.argv[1:4]
    mpirun = sys.argv[4:]
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    extraction = os.path.join(work, "source.h5")
    subprocess.run(mpirun + ["-np", "2", polyrep, "extract", "--model", os.path.join(data, "models/tiny-bert"),
                             "--corpus", os.path.join(data, "flores200"), "--split", "dev", "--langs",
                             "eng_Latn,fra_Latn,deu_Latn,zho_Hans", "--sample", "8", "--threads", "1",
                             "--out", extraction], check=True, stdout=subprocess.DEVNULL)
    r = Reducer(polyrep, work, mpirun, extraction)
    reference = r.copy("reference")
    start = time.time()
    r.run(2, reference)
    print(f"uninterrupted reduce: {time.time() - start:.2f} s, {JOBS} jobs")
    ref = rt.read_all(results(reference))
    rng = random.Random(20261202)
    for trial in range(int(os.environ.get("POLYREP_KILL_TRIALS", "4"))):
        kill_trial(r, ref, rng, trial)
    refusals(r, ref, sigterm_trial(r, ref))
    print("ok")


if __name__ == "__main__":
    main()
