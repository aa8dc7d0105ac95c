"""The paper's experiment: a grid over L_W x L_T at a fixed parameter budget, several
seeds per point, plus Keras SimpleRNN / GRU / LSTM sized to the same budget.

Rows are appended to `results.csv` as each model finishes, and a rerun skips the rows
already there, so a killed sweep resumes. `report` writes the table (mean ± std) and
the figures from the CSV.
"""

import collections
import csv
import pathlib
import time

import keras

from relax_keras import zoo
from relax_keras.data.specs import IMAGE_DATASETS

FIELDS = ["task", "encoding", "model", "weight_sets", "repeats", "depth", "seed",
          "params", "metric", "seconds", "status"]


def sweep_points(task, weight_sets, repeats, seeds, encodings, baselines):
    """Yields the (encoding, model, L_W, L_T, seed) points of a sweep."""
    for encoding in encodings:
        for w in weight_sets:
            for r in repeats:
                for seed in seeds:
                    yield encoding, "relax", w, r, seed
    for kind in baselines:
        for seed in seeds:
            yield ("rows" if task != "shakespeare" else "chars"), kind, "", "", seed


def build(task, encoding, model, weight_sets, repeats, param_budget):
    if model != "relax":
        if task == "shakespeare":
            return zoo.char_rnn_baseline(model, param_budget=param_budget)
        return zoo.image_rnn_baseline(model, IMAGE_DATASETS[task].image_shape, param_budget=param_budget)
    if task == "shakespeare":
        return zoo.shakespeare_relax(weight_sets=weight_sets, repeats=repeats, param_budget=param_budget)
    return zoo.image_relax(IMAGE_DATASETS[task].image_shape, encoding=encoding, weight_sets=weight_sets,
                           repeats=repeats, param_budget=param_budget)


def run_sweep(task, param_budget, train, validation, evaluate, output, weight_sets=(1, 2, 4, 8),
              repeats=(1, 2, 4, 8), seeds=(0, 1, 2), encodings=("rows",),
              baselines=("simple_rnn", "gru", "lstm"), epochs=3, steps_per_epoch=None):
    """Trains every point not yet in `output/results.csv` and appends its row.

    Args:
        evaluate: callable `model -> metric` on the validation split (accuracy for
            images, nats per character for text).
    """
    output = pathlib.Path(output)
    output.mkdir(parents=True, exist_ok=True)
    results = output / "results.csv"
    done = set()
    if results.exists():
        with open(results) as file:
            done = {(r["encoding"], r["model"], r["weight_sets"], r["repeats"], r["seed"])
                    for r in csv.DictReader(file)}
    else:
        with open(results, "w", newline="") as file:
            csv.DictWriter(file, FIELDS).writeheader()
    for encoding, model_name, w, r, seed in sweep_points(task, weight_sets, repeats, seeds, encodings, baselines):
        if (encoding, model_name, str(w), str(r), str(seed)) in done:
            continue
        keras.utils.set_random_seed(seed)
        row = {"task": task, "encoding": encoding, "model": model_name, "weight_sets": w,
               "repeats": r, "depth": w * r if w else "", "seed": seed}
        try:
            model = build(task, encoding, model_name, w, r, param_budget)
        except ValueError as error:  # the budget cannot hold this point
            row.update(params="", metric="", seconds="", status=f"infeasible: {error}")
        else:
            start = time.perf_counter()
            model.fit(train, epochs=epochs, steps_per_epoch=steps_per_epoch, verbose=0)
            row.update(params=model.count_params(), metric=evaluate(model),
                       seconds=round(time.perf_counter() - start, 1), status="ok")
        with open(results, "a", newline="") as file:
            csv.DictWriter(file, FIELDS).writerow(row)
        print(row, flush=True)
    report(output, higher_is_better=task != "shakespeare")


def report(output, higher_is_better):
    """Writes `table.md` (mean ± std per point) and `grid.png` from `results.csv`."""
    import matplotlib

    matplotlib.use("Agg")
    import numpy as np
    from matplotlib import pyplot

    output = pathlib.Path(output)
    with open(output / "results.csv") as file:
        rows = [r for r in csv.DictReader(file) if r["status"] == "ok"]
    groups = collections.defaultdict(list)
    for r in rows:
        groups[(r["encoding"], r["model"], r["weight_sets"], r["repeats"], r["params"])].append(float(r["metric"]))
    metric = "validation accuracy" if higher_is_better else "validation nats/char"
    lines = [f"| encoding | model | L_W | L_T | depth | parameters | {metric} (mean ± std) | seeds |",
             "| --- | --- | --- | --- | --- | --- | --- | --- |"]
    for (encoding, model, w, r, params), values in sorted(groups.items()):
        depth = int(w) * int(r) if w else ""
        lines.append(f"| {encoding} | {model} | {w} | {r} | {depth} | {params} | "
                     f"{np.mean(values):.4f} ± {np.std(values):.4f} | {len(values)} |")
    (output / "table.md").write_text("\n".join(lines) + "\n")
    encodings = sorted({e for (e, m, *_ ) in groups if m == "relax"})
    if not encodings:
        return
    figure, axes = pyplot.subplots(1, len(encodings), figsize=(5 * len(encodings), 4), squeeze=False)
    for axis, encoding in zip(axes[0], encodings):
        points = {(int(w), int(r)): np.mean(v) for (e, m, w, r, _), v in groups.items()
                  if e == encoding and m == "relax"}
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
    figure.savefig(output / "grid.png", dpi=100)
    pyplot.close(figure)
