"""The model cards' comparison: the shipped ReLaX-Net against the RNN end (L_W = 1) and
the DNN end (L_T = 1), trained with the same recipe, from their `relax-keras train`
run folders (`<folder>/*/metrics.json` and `run_config.json`).

Prints a Markdown table of the validation metric per (L_W, L_T) over seeds (mean,
sample std, 95% t interval) and the paired differences against `--chosen`.

Usage: python zoo/compare_runs.py zoo/runs/image_relax_mnist/comparison --chosen 2 2
"""

import argparse
import collections
import json
import pathlib

import numpy as np

from relax_keras import tasks
from relax_keras.tuning.study_statistics import interval_half_width


def read_runs(folder):
    """Returns `{(L_W, L_T): {seed: validation metric}}` and the task of the runs."""
    runs, task = collections.defaultdict(dict), None
    for metrics_path in sorted(pathlib.Path(folder).glob("*/metrics.json")):
        metrics = json.loads(metrics_path.read_text())
        settings = metrics["settings"]
        task = tasks.get(metrics["task"])
        value = metrics["metrics"]["validation"][task.score_key]
        runs[(settings["weight_sets"], settings["repeats"])][settings["seed"]] = value
    return runs, task


def cell(values, scale, digits):
    values = np.asarray(values) * scale
    if len(values) < 2:  # one seed: no interval
        return f"{values.mean():.{digits}f} (n=1)"
    return (f"{values.mean():.{digits}f} ± {interval_half_width(values):.{digits}f} "
            f"(std {values.std(ddof=1):.{digits}f}, n={len(values)})")


def table(runs, task, chosen):
    scale, digits = (100, 2) if task.metric == "accuracy" else (1, 4)
    sign = 1 if task.higher_is_better else -1
    lines = [f"| (L_W, L_T) | validation {task.metric} by seed | mean ± 95% interval | "
             f"paired difference to {chosen} (positive: {chosen} better) |",
             "| --- | --- | --- | --- |"]
    for point in sorted(runs):
        by_seed = runs[point]
        seeds = sorted(by_seed)
        shown = ", ".join(f"{by_seed[s] * scale:.{digits}f}" for s in seeds)
        common = sorted(set(seeds) & set(runs[chosen]))
        difference = "" if point == chosen else cell(
            [sign * (runs[chosen][s] - by_seed[s]) for s in common], scale, digits)
        lines.append(f"| {point} | {shown} | {cell([by_seed[s] for s in seeds], scale, digits)} | {difference} |")
    return lines


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder")
    parser.add_argument("--chosen", type=int, nargs=2, required=True, metavar=("L_W", "L_T"))
    args = parser.parse_args()
    runs, task = read_runs(args.folder)
    print("\n".join(table(runs, task, tuple(args.chosen))))


if __name__ == "__main__":
    main()
