#!/usr/bin/python3
"""The scipy/numpy side of bench/drift.mjs: drift statistics over the same data.

    /usr/bin/python3 bench/peers/drift_scipy.py make DIR REF_ROWS CUR_ROWS FEATURES
    /usr/bin/python3 bench/peers/drift_scipy.py run DIR REF_ROWS CUR_ROWS FEATURES SAMPLE

`make` writes DIR/drift-ref.f64 and DIR/drift-cur.f64: raw little-endian
float64, column-major (feature j's values contiguous). Features cycle through
five shapes: normal, lognormal, Poisson counts (ties), uniform, and normal
with 2% missing (NaN). The first fifth of the features move in the current
rows (mean + 0.1 std, or scale x 1.1); the rest keep their distribution.

`run` times, over every feature (missing values dropped first, inside the timing):
  ks_full           scipy.stats.ks_2samp(reference, current)  (auto: asymptotic here)
  wasserstein_full  scipy.stats.wasserstein_distance(reference, current) / max(np.std(reference), 0.001)
  psi_full          reference deciles (np.quantile, repeats dropped) and both samples counted in them
  ks_sample         ks_2samp(stored sample, current)
  wasserstein_sample wasserstein_distance(stored sample, current) / stored std
where the stored sample is what keel's reference profile keeps: one value drawn
from each of SAMPLE equal slices of the sorted reference (built untimed, as
keel's profile is built once per model version). Prints one JSON line of seconds.
"""

import json
import sys
import time
from pathlib import Path

import numpy as np
import scipy
from scipy import stats

SHAPES = ["normal", "lognormal", "poisson", "uniform", "normal-missing"]


def column(rng, shape, n, moved):
    if shape.startswith("normal"):
        x = rng.normal(0.1 if moved else 0.0, 1.0, n)
        if shape == "normal-missing":
            x[rng.random(n) < 0.02] = np.nan
        return x
    if shape == "lognormal":
        return rng.lognormal(0.0, 0.6 * (1.1 if moved else 1.0), n)
    if shape == "poisson":
        return rng.poisson(4.4 if moved else 4.0, n).astype(float)
    return rng.uniform(0.0, 1.1 if moved else 1.0, n)


def make(folder, ref_rows, cur_rows, features):
    rng = np.random.default_rng(0)
    folder.mkdir(parents=True, exist_ok=True)
    for name, rows, current in (("drift-ref.f64", ref_rows, False), ("drift-cur.f64", cur_rows, True)):
        with open(folder / name, "wb") as out:
            for j in range(features):
                moved = current and j < features // 5
                column(rng, SHAPES[j % len(SHAPES)], rows, moved).astype("<f8").tofile(out)


def load(path, rows, features):
    return np.fromfile(path, dtype="<f8").reshape(features, rows)


def present(x):
    return x[~np.isnan(x)]


def stratified_sample(sorted_values, k, rng):
    n = sorted_values.size
    if n <= k:
        return sorted_values.copy()
    starts = (np.arange(k) * n) // k
    ends = (np.arange(1, k + 1) * n) // k
    return sorted_values[starts + (rng.random(k) * (ends - starts)).astype(np.int64)]


def psi(reference, current):
    edges = np.unique(np.quantile(reference, np.arange(11) / 10))
    inner = edges[1:-1]
    bins = max(1, edges.size - 1)
    p = np.bincount(np.searchsorted(inner, reference, side="right"), minlength=bins) / reference.size
    q = np.bincount(np.searchsorted(inner, current, side="right"), minlength=bins) / current.size
    p = np.maximum(p, 1e-4)
    q = np.maximum(q, 1e-4)
    return float(np.sum((q - p) * np.log(q / p)))


def timed(fn, ref, cur):
    start = time.perf_counter()
    drifted = 0
    for j in range(ref.shape[0]):
        drifted += fn(j, ref[j], cur[j])
    return time.perf_counter() - start, drifted


def run(folder, ref_rows, cur_rows, features, sample_size):
    ref = load(folder / "drift-ref.f64", ref_rows, features)
    cur = load(folder / "drift-cur.f64", cur_rows, features)
    rng = np.random.default_rng(1)
    samples = [stratified_sample(np.sort(present(ref[j])), sample_size, rng) for j in range(features)]
    stds = [max(float(np.std(present(ref[j]))), 0.001) for j in range(features)]

    def ks_full(j, a, b):
        return stats.ks_2samp(present(a), present(b)).pvalue < 0.05

    def wasserstein_full(j, a, b):
        a = present(a)
        return stats.wasserstein_distance(a, present(b)) / max(np.std(a), 0.001) >= 0.1

    def psi_full(j, a, b):
        return psi(present(a), present(b)) >= 0.1

    def ks_sample(j, a, b):
        return stats.ks_2samp(samples[j], present(b)).pvalue < 0.05

    def wasserstein_sample(j, a, b):
        return stats.wasserstein_distance(samples[j], present(b)) / stds[j] >= 0.1

    out = {"scipy": scipy.__version__, "numpy": np.__version__}
    for name, fn in (
        ("ks_full", ks_full),
        ("wasserstein_full", wasserstein_full),
        ("psi_full", psi_full),
        ("ks_sample", ks_sample),
        ("wasserstein_sample", wasserstein_sample),
    ):
        seconds, drifted = timed(fn, ref, cur)
        out[name] = {"seconds": seconds, "drifted": int(drifted)}
    print(json.dumps(out))


def main(argv):
    command, folder = argv[0], Path(argv[1])
    ref_rows, cur_rows, features = int(argv[2]), int(argv[3]), int(argv[4])
    if command == "make":
        make(folder, ref_rows, cur_rows, features)
    else:
        run(folder, ref_rows, cur_rows, features, int(argv[5]))


if __name__ == "__main__":
    main(sys.argv[1:])
