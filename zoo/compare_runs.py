"""The model cards' comparisons, from `relax-keras train` run folders
(`<folder>/<run>/metrics.json`, and `nanogpt_validation.txt` where the runs were scored
nanoGPT's way).

- Against both ends (default): a Markdown table of the score per (L_W, L_T) over seeds
  (mean, sample std, 95% t interval), the paired differences against `--chosen` and their
  paired t-tests' p-values, Holm-adjusted over the table's comparisons.
- `--screen BASE`: one row per run, with the settings it changes from the run `BASE`,
  and the choice the issue-33 plan fixes: the best score, unless a run with fewer
  changes is within `--tolerance` of it.

Usage:
    python zoo/compare_runs.py zoo/runs/image_relax_mnist/comparison --chosen 2 2
    python zoo/compare_runs.py FOLDER --runs "*_s0" --score nanogpt_validation --screen base_s0
    python zoo/compare_runs.py FOLDER --runs "NAME_s*" "rnn_end_s*" "dnn_end_s*" \\
        --score nanogpt_validation --chosen 2 2
"""

import argparse
import collections
import json
import pathlib

import numpy as np

from relax_keras import tasks
from relax_keras.tuning.study_statistics import holm, interval_half_width, paired_p_value

NANOGPT = "nanogpt_validation"  # the score file `zoo/shakespeare_search.sh` writes beside a run
# settings that name the run rather than its recipe
BOOKKEEPING = {"seed", "output", "local_dir", "data_dir", "tensorflow_logs"}


def read_scored(folder, patterns=("*",), score="validation"):
    """Returns `{run name: (metrics, score)}` of the run folders matching `patterns`;
    `score`: `"validation"` (the package's validation figure) or `"nanogpt_validation"`."""
    scored = {}
    for pattern in patterns:
        for metrics_path in sorted(pathlib.Path(folder).glob(f"{pattern}/metrics.json")):
            metrics = json.loads(metrics_path.read_text())
            if score == NANOGPT:
                text = (metrics_path.parent / f"{NANOGPT}.txt").read_text()
                value = json.loads(text[:text.index("}") + 1])["loss"]
            else:
                value = metrics["metrics"]["validation"][tasks.get(metrics["task"]).score_key]
            scored[metrics_path.parent.name] = (metrics, value)
    return scored


def read_runs(folder, patterns=("*",), score="validation"):
    """Returns `{(L_W, L_T): {seed: score}}` and the task of the runs."""
    runs, task = collections.defaultdict(dict), None
    for metrics, value in read_scored(folder, patterns, score).values():
        settings = metrics["settings"]
        task = tasks.get(metrics["task"])
        runs[(settings["weight_sets"], settings["repeats"])][settings["seed"]] = value
    return runs, task


def cell(values, scale, digits):
    values = np.asarray(values) * scale
    if len(values) < 2:  # one seed: no interval
        return f"{values.mean():.{digits}f} (n=1)"
    return (f"{values.mean():.{digits}f} ± {interval_half_width(values):.{digits}f} "
            f"(std {values.std(ddof=1):.{digits}f}, n={len(values)})")


def paired_differences(runs, task, chosen):
    """Returns `{point: differences}`: each point's score subtracted from `chosen`'s on
    their common seeds, signed so that positive means `chosen` is better."""
    sign = 1 if task.higher_is_better else -1
    return {point: np.array([sign * (runs[chosen][s] - by_seed[s]) for s in sorted(set(by_seed) & set(runs[chosen]))])
            for point, by_seed in runs.items() if point != chosen}


def holm_p_values(differences):
    """Returns `{point: p}`: the two-sided paired t-test of each point's differences
    against 0, Holm-adjusted over the points that have two pairs or more; 1 where the
    differences are all equal (no test)."""
    tested = {point: paired_p_value(d) for point, d in differences.items() if len(d) > 1}
    return dict(zip(tested, holm(list(tested.values()))))


def table(runs, task, chosen):
    scale, digits = (100, 2) if task.metric == "accuracy" else (1, 4)
    differences = paired_differences(runs, task, chosen)
    p_values = holm_p_values(differences)
    lines = [f"| (L_W, L_T) | validation {task.metric} by seed | mean ± 95% interval | "
             f"paired difference to {chosen} (positive: {chosen} better) | p (paired t, Holm over "
             f"{len(p_values)}) |",
             "| --- | --- | --- | --- | --- |"]
    for point in sorted(runs):
        by_seed = runs[point]
        seeds = sorted(by_seed)
        shown = ", ".join(f"{by_seed[s] * scale:.{digits}f}" for s in seeds)
        difference = "" if point == chosen else cell(differences[point], scale, digits)
        p = f"{p_values[point]:.3f}" if point in p_values else ""
        lines.append(f"| {point} | {shown} | {cell([by_seed[s] for s in seeds], scale, digits)} | {difference} "
                     f"| {p} |")
    return lines


def changes(settings, base):
    """The settings of a run that differ from the run `base`'s, as `name=value`."""
    keys = sorted((set(settings) | set(base)) - BOOKKEEPING)
    return [f"{key}={settings.get(key)}" for key in keys if settings.get(key) != base.get(key)]


def screen(scored, base, tolerance):
    """The screening table (lower score is better) and the run the plan chooses: the
    lowest score, unless a run with fewer changes from `base` is within `tolerance`."""
    base_settings = scored[base][0]["settings"]
    rows = {name: (changes(metrics["settings"], base_settings), metrics, value)
            for name, (metrics, value) in scored.items()}
    best = min(rows, key=lambda name: rows[name][2])
    close = [name for name in rows if rows[name][2] <= rows[best][2] + tolerance]
    chosen = min(close, key=lambda name: (len(rows[name][0]), rows[name][2]))
    lines = ["| run | changes from the base | parameters | score | validation (package) | training minutes |",
             "| --- | --- | --- | --- | --- | --- |"]
    for name in sorted(rows, key=lambda name: rows[name][2]):
        changed, metrics, value = rows[name]
        validation = metrics["metrics"]["validation"]["loss"]
        mark = " (chosen)" if name == chosen else ""
        lines.append(f"| {name}{mark} | {', '.join(changed) or 'none'} | {metrics['params']:,} | {value:.4f} | "
                     f"{validation:.4f} | {metrics['train_seconds'] / 60:.0f} |")
    return lines, chosen


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder")
    parser.add_argument("--runs", nargs="+", default=["*"], help="run folder name patterns (default: all)")
    parser.add_argument("--score", choices=["validation", NANOGPT], default="validation")
    parser.add_argument("--chosen", type=int, nargs=2, metavar=("L_W", "L_T"))
    parser.add_argument("--screen", metavar="BASE", help="the screening table against the run BASE")
    parser.add_argument("--tolerance", type=float, default=0.005)
    args = parser.parse_args(argv)
    if (args.chosen is None) == (args.screen is None):
        parser.error(f"give one of --chosen L_W L_T or --screen BASE, got --chosen {args.chosen} "
                     f"and --screen {args.screen}")
    if args.screen:
        lines, chosen = screen(read_scored(args.folder, args.runs, args.score), args.screen, args.tolerance)
        print("\n".join(lines + ["", f"Chosen: {chosen}"]))
    else:
        runs, task = read_runs(args.folder, args.runs, args.score)
        print("\n".join(table(runs, task, tuple(args.chosen))))


if __name__ == "__main__":
    main()
