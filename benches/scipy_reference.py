#!/usr/bin/env python3
"""SciPy reference for isoflop's fitting engine, measured side by side with the Rust code.

Runs the Hoffmann et al. 2022 protocol objective (Huber delta=1e-3 on
LSE(a - alpha ln N, b - beta ln D, e) - ln L, summed, analytic gradient) with SciPy's
L-BFGS-B from a subset of the 4,500 grid starts (every 4500/K-th, default K = 100), on the
240 bundled runs; then runs `fit_chinchilla --subset K --json` (the same starts, one thread)
and the whole process `fit_chinchilla --bootstrap 0 --json` (median of 5), and prints the
timings and the ratios side by side.

Written for isoflop (not derived from the replication's code). Needs numpy and scipy:
    pip install numpy scipy
    python3 benches/scipy_reference.py [K] [--csv PATH]
"""
import csv
import itertools
import json
import os
import subprocess
import sys
import time

import numpy as np
from scipy.optimize import minimize

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
DELTA = 1e-3


def load(path):
    """240 runs: the CSV minus its 5 highest losses, D = C / 6N (Besiroglu et al. 2024)."""
    rows = list(csv.DictReader(open(path)))
    n = np.array([float(r["Model Size"]) for r in rows])
    c = np.array([float(r["Training FLOP"]) for r in rows])
    loss = np.array([float(r["loss"]) for r in rows])
    cut = np.sort(loss)[-5]
    keep = loss < cut
    return np.log(n[keep]), np.log((c / (6 * n))[keep]), np.log(loss[keep])


def objective(x, ln_n, ln_d, ln_l):
    a, b, e, alpha, beta = x
    u = a - alpha * ln_n
    v = b - beta * ln_d
    m = np.maximum(np.maximum(u, v), e)
    eu, ev, ee = np.exp(u - m), np.exp(v - m), np.exp(e - m)
    s = eu + ev + ee
    r = m + np.log(s) - ln_l
    small = np.abs(r) <= DELTA
    h = np.where(small, 0.5 * r * r, DELTA * (np.abs(r) - 0.5 * DELTA))
    dh = np.where(small, r, DELTA * np.sign(r))
    wu, wv, we = dh * eu / s, dh * ev / s, dh * ee / s
    grad = np.array([wu.sum(), wv.sum(), we.sum(), -(wu * ln_n).sum(), -(wv * ln_d).sum()])
    return h.sum(), grad


def grid():
    halves = [0.0, 0.5, 1.0, 1.5, 2.0]
    es = [-1.0, -0.5, 0.0, 0.5, 1.0]
    ab = [0.0, 5.0, 10.0, 15.0, 20.0, 25.0]
    return [[a, b, e, al, be] for al, be, e, a, b in itertools.product(halves, halves, es, ab, ab)]


def main():
    args = sys.argv[1:]
    k = 100
    csv_path = os.path.join(ROOT, "data", "chinchilla", "svg_extracted_data.csv")
    if "--csv" in args:
        i = args.index("--csv")
        csv_path = args[i + 1]
        del args[i : i + 2]
    if args:
        k = int(args[0])
    ln_n, ln_d, ln_l = load(csv_path)
    starts = grid()[:: 4500 // k][:k]

    t0 = time.perf_counter()
    best = np.inf
    for s in starts:
        res = minimize(objective, s, args=(ln_n, ln_d, ln_l), jac=True, method="L-BFGS-B")
        best = min(best, res.fun)
    scipy_s = time.perf_counter() - t0

    subprocess.run(["cargo", "build", "--quiet", "--release", "--example", "fit_chinchilla"],
                   cwd=ROOT, check=True)
    exe = os.path.join(ROOT, "target", "release", "examples", "fit_chinchilla")
    out = subprocess.run([exe, "--subset", str(k), "--json"], cwd=ROOT, check=True,
                         capture_output=True, text=True).stdout
    rust = json.loads(out.strip().splitlines()[-1])

    # The protocol's answer as a user gets it: the whole process (start-up, data, 4,500-point
    # screen, 32 L-BFGS refinements, output), median wall time of 5 runs.
    walls = []
    for _ in range(5):
        t0 = time.perf_counter()
        out = subprocess.run([exe, "--bootstrap", "0", "--json"], cwd=ROOT, check=True,
                             capture_output=True, text=True).stdout
        walls.append(time.perf_counter() - t0)
    protocol = json.loads(out.strip().splitlines()[-1])
    process_s = sorted(walls)[len(walls) // 2]

    per_scipy = scipy_s * 1e3 / len(starts)
    per_rust = rust["per_start_ms"]
    print(f"{len(starts)} grid starts, 240 runs, one thread each")
    print(f"SciPy L-BFGS-B (analytic gradient): {scipy_s * 1e3:9.1f} ms  ({per_scipy:.2f} ms/start)  best objective {best:.10e}")
    print(f"isoflop (argmin L-BFGS):            {rust['seconds'] * 1e3:9.1f} ms  ({per_rust:.3f} ms/start)  best objective {rust['best_objective']:.10e}")
    print(f"ratio SciPy / isoflop per start: {per_scipy / per_rust:.0f}x")
    scipy_protocol = per_scipy * 4.5
    print(f"SciPy full protocol (4,500 starts) extrapolated: {scipy_protocol:.0f} s")
    print(f"isoflop protocol answer (screened grid, all threads), in process: {protocol['fit_seconds'] * 1e3:.1f} ms, "
          f"objective {protocol['objective']:.10e}: {scipy_protocol / protocol['fit_seconds']:.0f}x")
    print(f"isoflop protocol answer, whole process `fit_chinchilla --bootstrap 0 --json` "
          f"(median of 5): {process_s * 1e3:.1f} ms: {scipy_protocol / process_s:.0f}x")


if __name__ == "__main__":
    main()
