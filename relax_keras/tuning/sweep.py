"""The paper's experiment: a grid over L_W x L_T at a fixed parameter budget, several
seeds per point, plus Keras SimpleRNN / GRU / LSTM sized to the same budget.

Rows are appended to `results.csv` as each model finishes, and a rerun skips the rows
already there, so a killed sweep resumes. `report` writes the table (mean ± std) and
the figures from the CSV.
"""

import csv
import pathlib
import time

import keras

from relax_keras.tuning.sweep_report import report
from relax_keras._validation import one_of

FIELDS = ["task", "encoding", "model", "weight_sets", "repeats", "depth", "seed",
          "params", "metric", "seconds", "status"]


def sweep_points(task, weight_sets, repeats, seeds, encodings, baselines, depths=None):
    """Yields the (encoding, model, L_W, L_T, seed) points of a sweep, seed by seed, so
    that a sweep stopped early holds whole grids; the recurrent baselines read the
    task's first encoding."""
    for seed in seeds:
        for encoding in encodings:
            for w in weight_sets:
                for r in repeats:
                    if depths is None or w * r in depths:
                        yield encoding, "relax", w, r, seed
        for kind in baselines:
            yield task.encodings[0], kind, "", "", seed


def run_sweep(task, param_budget, train, validation, evaluate, output, weight_sets=(1, 2, 4, 8),
              repeats=(1, 2, 4, 8), seeds=(0, 1, 2), encodings=("rows",),
              baselines=("simple_rnn", "gru", "lstm"), depths=None, epochs=3, steps_per_epoch=None):
    """Trains every point not yet in `output/results.csv` and appends its row.

    Args:
        task: a `relax_keras.tasks.Task`.
        evaluate: callable `model -> metric` on the validation split (accuracy for
            images, nats per character for text).
        depths: the depths `L_W * L_T` to keep from the grid, or `None` for all.
            Default: `None`.
    """
    for encoding in encodings:
        one_of("encodings", encoding, task.encodings)
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
    for encoding, model_name, w, r, seed in sweep_points(
            task, weight_sets, repeats, seeds, encodings, baselines, depths):
        if (encoding, model_name, str(w), str(r), str(seed)) in done:
            continue
        keras.utils.set_random_seed(seed)
        row = {"task": task.name, "encoding": encoding, "model": model_name, "weight_sets": w,
               "repeats": r, "depth": w * r if w else "", "seed": seed}
        try:
            model = task.build(model_name, encoding, w or None, r or None, param_budget)
        except ValueError as error:  # the budget cannot hold this point
            row.update(params="", metric="", seconds="", status=f"infeasible: {error}")
        else:
            start = time.perf_counter()
            model.fit(train, epochs=epochs, steps_per_epoch=steps_per_epoch, verbose=0,
                      shuffle=False)  # the dataset shuffles itself
            row.update(params=model.count_params(), metric=evaluate(model),
                       seconds=round(time.perf_counter() - start, 1), status="ok")
        with open(results, "a", newline="") as file:
            csv.DictWriter(file, FIELDS).writerow(row)
        print(row, flush=True)
    report(output, higher_is_better=task.higher_is_better)

