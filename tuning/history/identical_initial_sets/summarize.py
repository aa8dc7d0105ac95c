"""The paper's comparison across the sweeps in this folder, as one markdown table.

For each sweep (`*/results.csv`): at depth 4, the RNN baseline (L_W=1, L_T=4), the
balanced ReLaX-Net (2, 2) and the DNN end (4, 1); the best grid point; and the best
Keras baseline, each as mean ± std over seeds. "Claim holds" means the balanced
ReLaX-Net is better than both depth-4 ends by more than one standard deviation of the
difference (seeds paired by index).

Usage:
    python tuning/history/identical_initial_sets/summarize.py > tuning/history/identical_initial_sets/summary.md
"""

import collections
import csv
import pathlib

import numpy as np

HERE = pathlib.Path(__file__).parent


def read(path):
    """Returns the sweep's task and `{(model, L_W, L_T): {seed: metric}}`."""
    with open(path) as file:
        rows = [row for row in csv.DictReader(file) if row["status"] == "ok"]
    values = collections.defaultdict(dict)
    for row in rows:
        values[(row["model"], row["weight_sets"], row["repeats"])][int(row["seed"])] = float(row["metric"])
    return (rows[0]["task"] if rows else None), values


def beats(a, b, sign):
    """Whether `a` is better than `b` by more than the std of their paired difference."""
    seeds = sorted(set(a) & set(b))
    if len(seeds) < 2:
        return None
    difference = sign * (np.array([a[s] for s in seeds]) - np.array([b[s] for s in seeds]))
    return difference.mean() > difference.std(ddof=1)


def cell(values):
    if not values:
        return "-"
    return f"{np.mean(list(values.values())):.4f} ± {np.std(list(values.values())):.4f} ({len(values)})"


def main():
    print("| sweep | RNN (1, 4) | ReLaX (2, 2) | DNN (4, 1) | best grid point | best Keras baseline | claim holds |")
    print("| --- | --- | --- | --- | --- | --- | --- |")
    for path in sorted(HERE.glob("*/results.csv")):
        task, values = read(path)
        if not values:
            continue
        sign = -1 if task == "shakespeare" else 1  # nats/char: lower is better
        rnn, relax, dnn = (values.get(("relax", w, r), {}) for w, r in (("1", "4"), ("2", "2"), ("4", "1")))
        mean = lambda key: sign * np.mean(list(values[key].values()))
        grid = [k for k in values if k[0] == "relax"]
        baselines = [k for k in values if k[0] != "relax"]
        best = max(grid, key=mean)
        best_baseline = max(baselines, key=mean) if baselines else None
        holds = [beats(relax, rnn, sign), beats(relax, dnn, sign)]
        verdict = "n/a" if None in holds else {(True, True): "yes", (False, False): "no"}.get(
            tuple(holds), "beats RNN only" if holds[0] else "beats DNN only")
        print(f"| {path.parent.name} | {cell(rnn)} | {cell(relax)} | {cell(dnn)} | "
              f"({best[1]}, {best[2]}) {cell(values[best])} | "
              f"{best_baseline[0] + ' ' + cell(values[best_baseline]) if best_baseline else '-'} | {verdict} |")


if __name__ == "__main__":
    main()
