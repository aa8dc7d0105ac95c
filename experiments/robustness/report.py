"""Table (markdown) and figure of a robustness CSV written by robustness.py.

Usage: python experiments/robustness/report.py experiments/robustness/results/mnist.csv
writes mnist.md and mnist.png beside the CSV.
"""

import collections
import csv
import pathlib
import sys


def main(path):
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import pyplot

    path = pathlib.Path(path)
    with open(path) as file:
        rows = list(csv.DictReader(file))
    series = collections.defaultdict(dict)
    for row in rows:
        label = f"{row['run']} (L_W={row['weight_sets']}, L_T={row['repeats']}, {int(row['params']):,} params)"
        series[(row["non_ideality"], label)][float(row["level"])] = (float(row["metric"]), float(row["metric_std"]))
    lines = []
    figure, axes = pyplot.subplots(1, 2, figsize=(11, 4))
    for axis, kind, xlabel in zip(axes, ("node_noise", "weight_bits"),
                                  ("additive node noise (std, at inference)", "bits per weight (after training)")):
        labels = [label for (k, label) in series if k == kind]
        levels = sorted({level for (k, _), values in series.items() if k == kind for level in values})
        lines += [f"\n### {xlabel}\n", "| model | " + " | ".join(f"{level:g}" for level in levels) + " |",
                  "| --- |" + " --- |" * len(levels)]
        for label in labels:
            values = series[(kind, label)]
            lines.append(f"| {label} | " + " | ".join(
                f"{values[level][0]:.4f}" + (f" ± {values[level][1]:.4f}" if values[level][1] else "")
                for level in levels) + " |")
            axis.errorbar(levels, [values[level][0] for level in levels],
                          yerr=[values[level][1] for level in levels], marker="o", label=label, capsize=3)
        axis.set_xlabel(xlabel)
        axis.set_ylabel("validation metric")
        axis.grid(alpha=0.3)
        if kind == "weight_bits":
            axis.set_ylim(bottom=max(0.0, min(v[0] for (k, _), vs in series.items() if k == kind for v in vs.values()) - 0.02))
    axes[0].legend(fontsize=7)
    figure.tight_layout()
    figure.savefig(path.with_suffix(".png"), dpi=100)
    path.with_suffix(".md").write_text("\n".join(lines).lstrip() + "\n")


if __name__ == "__main__":
    main(sys.argv[1])
