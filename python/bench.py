#!/usr/bin/env python3
"""Speed of isoflop from Python, printed (not asserted):

1. vectorised loss over 1,000,000 (N, D) points from numpy arrays (target: < 50 ms);
2. fit_chinchilla on the bundled Chinchilla runs from a pandas DataFrame, against the
   SciPy L-BFGS-B protocol measured in the same process (target: >= 500x).

The SciPy side is the repository's reference implementation, imported from
benches/scipy_reference.py: Hoffmann et al. 2022's objective (Huber delta = 1e-3 on
log-loss, analytic gradient) minimised with SciPy's L-BFGS-B from K evenly spaced starts
of their 4,500-start grid (default K = 100), timed, and extrapolated to the full grid.

    python python/bench.py [K]
"""
import os
import statistics
import sys
import time

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
# Python puts this script's folder first on the path, and that folder holds the package's
# sources (without the compiled extension): import the installed isoflop instead.
sys.path = [p for p in sys.path if os.path.abspath(p or os.curdir) != HERE]
import isoflop  # noqa: E402

sys.path.insert(0, os.path.join(os.path.dirname(HERE), "benches"))
import scipy_reference  # noqa: E402  (the repository's SciPy protocol)
from scipy.optimize import minimize  # noqa: E402


def timed(fn, repeats):
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times), min(times), out


def main():
    k = int(sys.argv[1]) if len(sys.argv) > 1 else 100
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"{os.cpu_count()} CPUs, load average {load:.1f} (timings scale with other work)")
    rng = np.random.default_rng(0)
    n = np.exp(rng.uniform(np.log(1e8), np.log(1e12), 1_000_000))
    d = np.exp(rng.uniform(np.log(1e9), np.log(1e14), 1_000_000))
    h = isoflop.ChinchillaHypothesis.hoffmann2022()
    h.loss(n[:1000], d[:1000])  # warm the thread pool
    med, best, loss = timed(lambda: h.loss(n, d), 9)
    assert loss.shape == (1_000_000,) and np.isfinite(loss).all()
    print(f"vectorised loss, 1,000,000 (N, D) points from numpy: median {med * 1e3:.1f} ms, "
          f"best {best * 1e3:.1f} ms (target < 50 ms)")

    df = isoflop.chinchilla_runs(as_frame=True)
    fit_med, fit_best, fit = timed(lambda: isoflop.fit_chinchilla(df), 7)
    print(f"fit_chinchilla from a DataFrame ({len(df)} runs, screened 4,500-point grid): "
          f"median {fit_med * 1e3:.1f} ms, best {fit_best * 1e3:.1f} ms, "
          f"objective {fit.objective:.10e}, status {fit.status}")

    csv = os.path.join(os.path.dirname(HERE), "data", "chinchilla", "svg_extracted_data.csv")
    ln_n, ln_d, ln_l = scipy_reference.load(csv)
    starts = scipy_reference.grid()[:: 4500 // k][:k]
    t0 = time.perf_counter()
    best_obj = np.inf
    for s in starts:
        res = minimize(scipy_reference.objective, s, args=(ln_n, ln_d, ln_l), jac=True,
                       method="L-BFGS-B")
        best_obj = min(best_obj, res.fun)
    scipy_s = time.perf_counter() - t0
    per_start = scipy_s / len(starts)
    protocol_s = per_start * 4500
    print(f"SciPy L-BFGS-B, {len(starts)} grid starts: {scipy_s:.2f} s ({per_start * 1e3:.1f} ms/start), "
          f"best objective {best_obj:.10e}")
    print(f"SciPy protocol (4,500 starts) extrapolated: {protocol_s:.0f} s")
    print(f"ratio SciPy protocol / isoflop fit_chinchilla from a DataFrame: "
          f"{protocol_s / fit_med:.0f}x (median), {protocol_s / fit_best:.0f}x (best) (target >= 500x)")


if __name__ == "__main__":
    main()
