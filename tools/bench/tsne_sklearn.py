#!/usr/bin/python3
"""Driver for tools/bench/tsne_vs_sklearn.sh: for each size, makes a PCA-50-like data set
(anisotropic Gaussian clusters of unequal sizes and spreads, fixed numpy seed), runs polyrep's
tsne_bench and scikit-learn's Barnes-Hut TSNE with matching settings on it, and prints one table
row: both times, the speed ratio, both final KL values and each layout's 10-NN cluster agreement."""
import argparse
import json
import os
import subprocess
import sys
import tempfile
import time

import numpy as np


def make_data(n, dim, seed):
    rng = np.random.default_rng(seed)
    clusters = 12
    weights = rng.dirichlet(np.full(clusters, 2.0))
    labels = rng.choice(clusters, size=n, p=weights)
    centres = rng.normal(0.0, 6.0, size=(clusters, dim))
    # Decaying per-dimension scale, as in a PCA projection.
    axis_scale = np.linspace(3.0, 0.3, dim)
    spread = rng.uniform(0.5, 1.5, size=clusters)
    x = centres[labels] + rng.normal(size=(n, dim)) * axis_scale * spread[labels, None]
    return x.astype(np.float32), labels


def knn_agreement(y, labels, k=10):
    from sklearn.neighbors import NearestNeighbors
    idx = NearestNeighbors(n_neighbors=k + 1).fit(y).kneighbors(y, return_distance=False)[:, 1:]
    return float((labels[idx] == labels[:, None]).mean())


def run_sklearn(x, args):
    from sklearn.manifold import TSNE
    tsne = TSNE(n_components=2, perplexity=args.perplexity, n_iter=args.iterations,
                init="random", learning_rate="auto", method="barnes_hut", angle=args.theta,
                random_state=args.seed)
    start = time.perf_counter()
    y = tsne.fit_transform(x)
    return time.perf_counter() - start, float(tsne.kl_divergence_), int(tsne.n_iter_), y


def run_polyrep(path, x, args, out):
    n, d = x.shape
    cmd = [args.bench, path, str(n), str(d), str(args.perplexity), str(args.iterations),
           str(args.seed), str(args.threads), str(args.theta), out]
    result = json.loads(subprocess.run(cmd, check=True, capture_output=True, text=True).stdout)
    y = np.fromfile(out, dtype=np.float32).reshape(n, 2)
    return result["seconds"], result["kl"], y


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--bench", required=True)
    p.add_argument("--sizes", type=int, nargs="+", default=[5000, 20000, 50000])
    p.add_argument("--dim", type=int, default=50)
    p.add_argument("--perplexity", type=float, default=30.0)
    p.add_argument("--iterations", type=int, default=1000)
    p.add_argument("--theta", type=float, default=0.5)
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--seed", type=int, default=0)
    args = p.parse_args()
    import sklearn
    print(f"# scikit-learn {sklearn.__version__}, threads={args.threads} (OMP_NUM_THREADS="
          f"{os.environ.get('OMP_NUM_THREADS', 'unset')}), perplexity={args.perplexity}, "
          f"iterations={args.iterations}, theta={args.theta}, init=random, dim={args.dim}")
    print(f"{'n':>7} {'polyrep_s':>10} {'sklearn_s':>10} {'speedup':>8} {'polyrep_KL':>11} "
          f"{'sklearn_KL':>11} {'sk_iters':>8} {'polyrep_10nn':>12} {'sklearn_10nn':>12}")
    with tempfile.TemporaryDirectory() as tmp:
        for n in args.sizes:
            x, labels = make_data(n, args.dim, seed=n)
            path = os.path.join(tmp, f"x{n}.f32")
            x.tofile(path)
            ours_s, ours_kl, ours_y = run_polyrep(path, x, args, os.path.join(tmp, f"y{n}.f32"))
            sk_s, sk_kl, sk_iter, sk_y = run_sklearn(x, args)
            print(f"{n:>7} {ours_s:>10.2f} {sk_s:>10.2f} {sk_s / ours_s:>7.2f}x {ours_kl:>11.4f} "
                  f"{sk_kl:>11.4f} {sk_iter:>8} {knn_agreement(ours_y, labels):>12.4f} "
                  f"{knn_agreement(sk_y, labels):>12.4f}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
