#!/usr/bin/env python3
"""A run that dies is resumed, never restarted: the claims of README "When a run dies", tested.

  resume_test.py kill    POLYREP DATA WORKDIR MPIRUN...   kill -9 of a random rank at seeded random
                         moments (np 2 and 3), --resume at another np, SIGTERM to the ranks and
                         SIGUSR1 to mpirun, refusals
  resume_test.py enospc  POLYREP DATA WORKDIR MPIRUN...   a full file system mid-run, then --resume
                         once space is freed (inside a private mount namespace with a small tmpfs)
  resume_test.py compare REFERENCE FILE                   every dataset equal, byte for byte (the
                         cluster tests' preempted jobs)

Every finished file must equal an uninterrupted run dataset by dataset, byte for byte (all runs use
--threads 1: BLAS sums depend on the thread count).
"""
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import time

import h5py
import numpy as np

LANGS = ("eng_Latn,fra_Latn,deu_Latn,zho_Hans,arb_Arab,hin_Deva,rus_Cyrl,jpn_Jpan,spa_Latn,swh_Latn,"
         "tur_Latn,kor_Hang,ell_Grek,heb_Hebr,tha_Thai,vie_Latn")


def fail(message):
    print("FAIL: " + message)
    sys.exit(1)


class Runner:
    def __init__(self, polyrep, data, work, mpirun):
        self.polyrep, self.data, self.work, self.mpirun = polyrep, data, work, mpirun

    def args(self, out, *extra):
        return [self.polyrep, "extract", "--model", os.path.join(self.data, "models/tiny-bert"),
                "--corpus", os.path.join(self.data, "flores200"), "--split", "dev", "--langs", LANGS,
                "--sample", "all", "--threads", "1", "--window-tokens", "256", "--checkpoint-seconds", "0",
                # Attention maps too, so that resuming is checked for /attention as well.
                "--attention", "mean", "--attention-sentences", "5",
                "--progress", "1000", "--out", out, *extra]

    def command(self, np_, out, *extra):
        return self.mpirun + ["-np", str(np_)] + self.args(out, *extra)

    def run(self, np_, out, *extra, expect=0):
        p = subprocess.run(self.command(np_, out, *extra), stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                           text=True, timeout=300)
        if expect is not None and p.returncode != expect:
            fail(f"exit {p.returncode} (wanted {expect}) for np {np_} {' '.join(extra)}:\n{p.stdout}")
        return p


def rank_pids(out, mpirun_pid):
    """pids of the polyrep ranks writing `out` (mpirun's command line names them too)."""
    found = subprocess.run(["pgrep", "-f", "polyrep extract .*--out " + out + "( |$)"], stdout=subprocess.PIPE,
                           text=True).stdout.split()
    return [int(p) for p in found if int(p) != mpirun_pid]


def read_all(path):
    """{dataset path: (dtype string, shape, bytes or list of strings)} of a file."""
    out = {}

    def visit(name, obj):
        if isinstance(obj, h5py.Dataset):
            if h5py.check_string_dtype(obj.dtype) is not None:
                out[name] = ("str", obj.shape, list(obj.asstr()[()]))
            else:
                value = obj[()]
                out[name] = (str(value.dtype), value.shape, np.ascontiguousarray(value).tobytes())

    with h5py.File(path, "r") as f:
        if f.attrs.get("complete") != 1:
            fail(f"{path} is not complete")
        # Written at creation (schema/version.hpp): a resumed file has it from the restored metadata.
        if f.attrs.get("schema_version") != 1:
            fail(f"{path}: schema_version {f.attrs.get('schema_version')}, expected 1")
        f.visititems(visit)
    return out


def same_datasets(ref, path, what):
    got = read_all(path)
    if sorted(got) != sorted(ref):
        fail(f"{what}: datasets {sorted(got)} differ from {sorted(ref)}")
    for name, value in ref.items():
        if got[name] != value:
            fail(f"{what}: dataset {name} differs from the uninterrupted run")


def leftovers(out):
    return [p for p in (out + ".partial", out + ".partial.resume", out + ".partial.done") if os.path.exists(p)]


def kill_trial(r, ref, reference_seconds, rng, trial):
    out = os.path.join(r.work, f"kill{trial}.h5")
    np_first, np_resume = rng.choice([(2, 3), (3, 2), (2, 1), (3, 3)])
    delay = rng.uniform(0.2, reference_seconds * 1.05)
    p = subprocess.Popen(r.command(np_first, out), stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    time.sleep(delay)
    pids = rank_pids(out, p.pid)
    victim = rng.choice(pids) if pids else None
    if victim is not None:
        try:
            os.kill(victim, signal.SIGKILL)
        except ProcessLookupError:
            victim = None
    log = p.communicate(timeout=120)[0]
    died = p.returncode != 0
    print(f"trial {trial}: np {np_first}, kill -9 of rank pid {victim} at {delay:.2f} s: exit {p.returncode}"
          f"{'' if died else ' (finished first)'}; resume at np {np_resume}")
    if not died:
        same_datasets(ref, out, f"trial {trial} (not killed)")
        return
    resumed = r.run(np_resume, out, "--resume").stdout
    line = [l for l in resumed.splitlines() if "resuming" in l or "starting from the beginning" in l or "nothing to do" in l]
    print("   " + (line[0].strip() if line else "(no resume line)"))
    same_datasets(ref, out, f"trial {trial}")
    if leftovers(out):
        fail(f"trial {trial}: {leftovers(out)} left after a complete run")


def journal_lines(out):
    try:
        with open(out + ".partial.done", "rb") as f:
            return f.read().count(b"\n")
    except FileNotFoundError:
        return 0


def all_threads_stopped(pid):
    try:
        for task in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{task}/stat") as f:
                if f.read().rsplit(")", 1)[1].split()[0] not in "Tt":
                    return False
    except FileNotFoundError:
        return True
    return True


def frozen_after(r, out, p, lines):
    """Waits (polling every 2 ms) until the journal of `out` holds `lines` rounds, then SIGSTOPs
    every rank and returns their pids: the run is then certainly mid-way, however fast this
    machine (the whole run takes about two seconds)."""
    while journal_lines(out) < lines and p.poll() is None:
        time.sleep(0.002)
    pids = rank_pids(out, p.pid)
    for pid in pids:
        os.kill(pid, signal.SIGSTOP)
    # SIGSTOP takes effect a moment later, thread by thread: until every thread has stopped, a
    # signal sent next could still be taken at once instead of waiting.
    deadline = time.time() + 10
    while time.time() < deadline and not all(all_threads_stopped(pid) for pid in pids):
        time.sleep(0.001)
    if p.poll() is not None or not pids or windows_done(out) >= r.windows:
        fail(f"the run of {out} ended before {lines} journal lines were seen")
    return pids


def pending_or_gone(pid, sig):
    """True once `sig` waits in the stopped process `pid`, or `pid` is gone."""
    try:
        with open(f"/proc/{pid}/status") as f:
            status = dict(line.split(":", 1) for line in f if ":" in line)
    except FileNotFoundError:
        return True
    pending = int(status["ShdPnd"], 16) | int(status["SigPnd"], 16)
    return bool(pending & (1 << (sig - 1)))


def signal_all(pids, sig):
    for pid in pids:
        try:
            os.kill(pid, sig)
        except ProcessLookupError:
            pass


def stop_trial(r, ref, to_mpirun):
    """A stop signal mid-run: SIGTERM to every rank (as slurmstepd for srun and the HTCondor
    wrapper send it), or SIGUSR1 to mpirun (what the launchers send it: Open MPI's mpirun passes
    USR1 on at once, a TERM only a second later and a KILL a second after that). The ranks stop
    after their round, resumable, exit 75. They are held (SIGSTOP) from their 10th recorded round
    until the signal waits in them, so that it lands mid-run however fast this machine."""
    out = os.path.join(r.work, "usr1-mpirun.h5" if to_mpirun else "term.h5")
    sig = signal.SIGUSR1 if to_mpirun else signal.SIGTERM
    p = subprocess.Popen(r.command(2, out), stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    pids = frozen_after(r, out, p, 10)
    if to_mpirun:
        p.send_signal(sig)
    else:
        signal_all(pids, sig)
    deadline = time.time() + 30
    while time.time() < deadline and not all(pending_or_gone(pid, sig) for pid in pids):
        time.sleep(0.005)
    signal_all(pids, signal.SIGCONT)
    log = p.communicate(timeout=120)[0]
    what = f"{signal.Signals(sig).name} to {'mpirun' if to_mpirun else 'both ranks'}"
    print(f"{what} after {journal_lines(out)} journal lines: exit {p.returncode}")
    if os.path.exists(out) or not os.path.exists(out + ".partial.resume"):
        fail(f"{what} mid-run did not leave a resumable partial file:\n" + log)
    stopped = [l for l in log.splitlines() if "resumable: rerun with --resume" in l]
    if len(stopped) != 1 or p.returncode != 75:
        fail(f"{what}: wanted one 'resumable: rerun with --resume' line and exit 75:\n" + log)
    print("   " + stopped[0].strip())
    r.run(3, out, "--resume")
    same_datasets(ref, out, what)


def windows_done(out):
    try:
        with open(out + ".partial.done", "rb") as f:
            lines = f.read().split(b"\n")[:-1]
    except FileNotFoundError:
        return 0
    return sum(int(b) - int(a) for a, b in (line.split() for line in lines))


def finalize_trial(r, ref):
    """kill -9 of every rank once the journal holds every window: in the serial string step (or
    just after it), where HDF5 changes the file's metadata."""
    out = os.path.join(r.work, "finalize.h5")
    p = subprocess.Popen(r.command(2, out), stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    while windows_done(out) < r.windows and p.poll() is None:
        time.sleep(0.005)
    pids = rank_pids(out, p.pid)
    for pid in pids:
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    p.communicate(timeout=120)
    state = "complete" if os.path.exists(out) else "partial"
    print(f"kill -9 of all {len(pids)} ranks with every window recorded: exit {p.returncode}, file {state}")
    if state == "partial":
        print("   " + [l for l in r.run(3, out, "--resume").stdout.splitlines() if "resuming" in l][0].strip())
    same_datasets(ref, out, "kill in the serial step")


def refusals(r):
    """A changed input and a missing --resume are refused, the partial file untouched."""
    out = os.path.join(r.work, "refuse.h5")
    p = subprocess.Popen(r.command(2, out), stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    for pid in frozen_after(r, out, p, 3):
        os.kill(pid, signal.SIGKILL)
    p.communicate(timeout=120)
    if not os.path.exists(out + ".partial.resume"):
        fail("no resumable partial file to test refusals with")
    before = open(out + ".partial.done", "rb").read()
    for extra, message in ((["--resume", "--seed", "7"], "--seed was '0', is '7'"),
                           (["--resume", "--layers", "0,1"], "--layers was"),
                           (["--resume", "--batch-tokens", "7"], "--batch-tokens 7 differs"),
                           ([], "holds an unfinished run")):
        got = r.run(2, out, *extra, expect=None)
        if got.returncode == 0 or message not in got.stdout or got.stdout.count("error:") != 1:
            fail(f"{extra}: wanted one error naming '{message}', got exit {got.returncode}:\n{got.stdout}")
        if open(out + ".partial.done", "rb").read() != before:
            fail(f"{extra}: the journal changed")
        print(f"refused {extra or ['(no --resume)']}: " + [l for l in got.stdout.splitlines() if "error:" in l][0])
    r.run(1, out, "--resume")
    again = r.run(2, out, "--resume").stdout
    if "nothing to do" not in again:
        fail("--resume of a complete file: " + again)
    print("--resume of a complete file: " + [l for l in again.splitlines() if "nothing to do" in l][0].strip())
    # The launchers pass --resume on every start: a job submitted again with other inputs must not
    # be told "nothing to do".
    other = r.run(2, out, "--resume", "--seed", "7", expect=None)
    errors = [l for l in other.stdout.splitlines() if "error:" in l]
    if other.returncode == 0 or len(errors) != 1 or "is complete but was made from other inputs (--seed was '0', is '7')" not in errors[0]:
        fail("--resume --seed 7 of a complete file: wanted one error naming --seed, got exit "
             f"{other.returncode}:\n{other.stdout}")
    print("--resume --seed 7 of a complete file: " + errors[0])


def kill_main(r, trials):
    ref_path = os.path.join(r.work, "reference.h5")
    start = time.time()
    log = r.run(2, ref_path).stdout
    reference_seconds = time.time() - start
    r.windows = int(re.search(r"tokens, (\d+) windows of up to", log).group(1))
    ref = read_all(ref_path)
    print(f"uninterrupted run: {reference_seconds:.2f} s")
    rng = random.Random(20261202)
    for trial in range(trials):
        kill_trial(r, ref, reference_seconds, rng, trial)
    stop_trial(r, ref, to_mpirun=False)
    stop_trial(r, ref, to_mpirun=True)
    finalize_trial(r, ref)
    refusals(r)


def enospc_main(r):
    """Runs itself again inside `unshare -m` with a tmpfs too small for the file."""
    if os.environ.get("POLYREP_IN_NAMESPACE") != "1":
        # A chroot shares its root mount with the host, and unshare cannot make it private there
        # ("cannot change root filesystem propagation"): skipped (77), as without root.
        probe = subprocess.run(["unshare", "-m", "--propagation", "private", "true"], capture_output=True)
        if probe.returncode != 0:
            print("skipped: no private mount namespace here:", probe.stderr.decode().strip())
            sys.exit(77)
        env = dict(os.environ, POLYREP_IN_NAMESPACE="1")
        p = subprocess.run(["unshare", "-m", "--propagation", "private", sys.executable, *sys.argv], env=env)
        sys.exit(p.returncode)
    ref_path = os.path.join(r.work, "reference.h5")
    r.run(2, ref_path)
    ref = read_all(ref_path)
    size = os.path.getsize(ref_path)
    disk = os.path.join(r.work, "small-disk")
    os.makedirs(disk, exist_ok=True)
    if subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size * 3 // 2}", "tmpfs", disk]).returncode != 0:
        fail("cannot mount a tmpfs (the test needs root and a mount namespace)")
    filler = os.path.join(disk, "filler")
    with open(filler, "wb") as f:
        f.write(b"\0" * (size // 2 + size // 4))
    out = os.path.join(disk, "out.h5")
    got = r.run(2, out, expect=None)
    errors = [l for l in got.stdout.splitlines() if "error:" in l]
    print(f"full disk: exit {got.returncode}: {errors[0] if errors else '(no error line)'}")
    if got.returncode in (0, 75) or got.returncode >= 128 or len(errors) != 1:
        fail("wanted one error line and exit 1 on a full disk:\n" + got.stdout)
    if "no space left" not in errors[0].lower():
        fail("the error does not say the disk is full: " + errors[0])
    if os.path.exists(out) or not os.path.exists(out + ".partial.resume"):
        fail(f"after ENOSPC: {os.listdir(disk)}")
    os.remove(filler)
    resumed = r.run(3, out, "--resume").stdout
    print("   after freeing space: " + [l for l in resumed.splitlines() if "resuming" in l][0].strip())
    same_datasets(ref, out, "ENOSPC")


def main():
    if sys.argv[1] == "compare":
        same_datasets(read_all(sys.argv[2]), sys.argv[3], sys.argv[3])
        print(f"every dataset of {sys.argv[3]} equals {sys.argv[2]}")
        return
    mode, polyrep, data, work = sys.argv[1:5]
    mpirun = sys.argv[5:]
    if os.environ.get("POLYREP_IN_NAMESPACE") != "1":
        shutil.rmtree(work, ignore_errors=True)
        os.makedirs(work)
    r = Runner(polyrep, data, work, mpirun)
    if mode == "kill":
        kill_main(r, int(os.environ.get("POLYREP_KILL_TRIALS", "6")))
    elif mode == "enospc":
        enospc_main(r)
    else:
        fail("unknown mode " + mode)
    print("ok")


if __name__ == "__main__":
    main()
