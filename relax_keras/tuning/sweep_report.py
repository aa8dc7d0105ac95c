"""The table and figures of a sweep, from its `results.csv`."""

import collections
import csv
import pathlib

import numpy as np

from relax_keras._extras import require


def report(output, higher_is_better):
    """Writes `table.md` (mean ± std per point), `grid.png` (the metric over the
    L_W x L_T grid) and `lines.png` (the metric against L_W at fixed depth and at fixed
    L_T, with the Keras baselines as horizontal lines) from `output/results.csv`."""
    matplotlib = require("matplotlib", "The sweep's figures")

    matplotlib.use("Agg")
    output = pathlib.Path(output)
    with open(output / "results.csv") as file:
        rows = [r for r in csv.DictReader(file) if r["status"] == "ok"]
    groups = collections.defaultdict(list)
    for r in rows:
        groups[(r["encoding"], r["model"], r["weight_sets"], r["repeats"], r["params"])].append(float(r["metric"]))
    metric = "validation accuracy" if higher_is_better else "validation nats/char"
    write_table(output / "table.md", groups, metric)
    encodings = sorted({e for (e, m, *_) in groups if m == "relax"})
    if encodings:
        plot_grid(output / "grid.png", groups, encodings, metric, higher_is_better)
        plot_lines(output / "lines.png", groups, encodings, metric)


def write_table(path, groups, metric):
    lines = [f"| encoding | model | L_W | L_T | depth | parameters | {metric} (mean ± std) | seeds |",
             "| --- | --- | --- | --- | --- | --- | --- | --- |"]
    for (encoding, model, w, r, params), values in sorted(groups.items()):
        depth = int(w) * int(r) if w else ""
        lines.append(f"| {encoding} | {model} | {w} | {r} | {depth} | {params} | "
                     f"{np.mean(values):.4f} ± {np.std(values):.4f} | {len(values)} |")
    pathlib.Path(path).write_text("\n".join(lines) + "\n")


def relax_points(groups, encoding):
    """Returns `{(L_W, L_T): metric values}` of the ReLaX-Nets of one encoding."""
    return {(int(w), int(r)): values for (e, m, w, r, _), values in groups.items()
            if e == encoding and m == "relax"}


def plot_grid(path, groups, encodings, metric, higher_is_better):
    from matplotlib import pyplot

    figure, axes = pyplot.subplots(1, len(encodings), figsize=(5 * len(encodings), 4), squeeze=False)
    for axis, encoding in zip(axes[0], encodings):
        points = {point: np.mean(values) for point, values in relax_points(groups, encoding).items()}
        ws, rs = sorted({w for w, _ in points}), sorted({r for _, r in points})
        grid = np.array([[points.get((w, r), np.nan) for w in ws] for r in rs])
        image = axis.imshow(grid, origin="lower", cmap="viridis" if higher_is_better else "viridis_r")
        axis.set_xticks(range(len(ws)), ws)
        axis.set_yticks(range(len(rs)), rs)
        axis.set_xlabel("L_W (weight sets)")
        axis.set_ylabel("L_T (repeats)")
        axis.set_title(f"{encoding}: {metric}")
        for i, r in enumerate(rs):
            for j, w in enumerate(ws):
                if not np.isnan(grid[i, j]):
                    axis.text(j, i, f"{grid[i, j]:.3f}", ha="center", va="center", color="w", fontsize=8)
        figure.colorbar(image, ax=axis)
    figure.tight_layout()
    figure.savefig(path, dpi=100)
    pyplot.close(figure)


def plot_lines(path, groups, encodings, metric):
    from matplotlib import pyplot

    baselines = {m: values for (e, m, *_), values in groups.items() if m != "relax"}
    figure, axes = pyplot.subplots(len(encodings), 2, figsize=(10, 4 * len(encodings)), squeeze=False)
    for (depth_axis, repeats_axis), encoding in zip(axes, encodings):
        points = relax_points(groups, encoding)
        for axis, key, label in ((depth_axis, lambda w, r: w * r, "depth"),
                                 (repeats_axis, lambda w, r: r, "L_T")):
            for fixed in sorted({key(w, r) for w, r in points}):
                line = sorted((w, values) for (w, r), values in points.items() if key(w, r) == fixed)
                if len(line) > 1:
                    axis.errorbar([w for w, _ in line], [np.mean(v) for _, v in line],
                                  yerr=[np.std(v) for _, v in line], marker="o", capsize=3,
                                  label=f"{label} {fixed}")
            for i, (name, values) in enumerate(sorted(baselines.items())):
                axis.axhline(np.mean(values), linestyle="--", color=f"C{7 + i}", label=f"Keras {name}")
            axis.set_xscale("log", base=2)
            axis.set_xticks(sorted({w for w, _ in points}), sorted({w for w, _ in points}))
            axis.set_xlabel("L_W (weight sets)")
            axis.set_ylabel(metric)
            axis.set_title(f"{encoding}: at fixed {label}")
            axis.legend(fontsize=8)
    figure.tight_layout()
    figure.savefig(path, dpi=100)
    pyplot.close(figure)
