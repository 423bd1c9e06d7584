#!/usr/bin/env python3
"""Compact the multi-schedule training logs of Hagele et al. 2024 (arXiv:2405.18392) and
Schaipp et al. 2025 (arXiv:2501.18965) into the two CSVs bundled in data/schedules/.

    python3 scripts/schedules_compact.py UPSTREAM_DIR

UPSTREAM_DIR holds the upstream export's runs.csv and curves.csv (see data/schedules/SOURCE.md).
Writes data/schedules/runs.csv (one row per run, its schedule in numbers) and
data/schedules/curves.csv (run id, step, validation loss), byte for byte the same every time.
"""
import csv
import os
import re
import sys

KINDS = {"constant", "cosine", "wsd_linear", "wsd_sqrt", "wsd_twostage"}


def num(s):
    """Shortest text of a number as written upstream (ints stay ints)."""
    f = float(s)
    return str(int(f)) if f == int(f) and abs(f) < 1e15 else repr(f)


def main(upstream):
    here = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "data", "schedules")
    runs = list(csv.DictReader(open(os.path.join(upstream, "runs.csv"), newline="")))
    ids = {}
    out_runs = []
    for i, r in enumerate(runs):
        kind = r["schedule"]
        assert kind in KINDS, kind
        stage_lr, stage_start = "", ""
        if kind == "wsd_twostage":
            m = re.search(r"to step (\d+) \(shared.*?constant ([0-9.e-]+) to step", r["schedule_detail"])
            assert m, r["schedule_detail"]
            stage_start, stage_lr = m.group(1), m.group(2)
        ids[r["model_or_run"]] = i
        out_runs.append([
            i, r["run_set"], r["model_or_run"], num(r["params"]), r["dataset"], kind,
            r["peak_lr"], num(r["end_lr"]), num(r["warmup_steps"]),
            num(r["decay_start_step"]) if r["decay_start_step"] else "",
            stage_start, stage_lr, r["total_steps"], r["batch_tokens"],
        ])
    out_points = []
    for p in csv.DictReader(open(os.path.join(upstream, "curves.csv"), newline="")):
        out_points.append((ids[p["model_or_run"]], int(float(p["step"])), p["loss"]))
    out_points.sort(key=lambda t: (t[0], t[1]))
    with open(os.path.join(here, "runs.csv"), "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["id", "run_set", "name", "params", "dataset", "kind", "peak_lr", "end_lr",
                    "warmup_steps", "decay_start_step", "stage_start_step", "stage_lr",
                    "total_steps", "batch_tokens"])
        w.writerows(out_runs)
    with open(os.path.join(here, "curves.csv"), "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["id", "step", "loss"])
        w.writerows(out_points)
    print(f"{len(out_runs)} runs, {len(out_points)} points", file=sys.stderr)


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    main(sys.argv[1])
