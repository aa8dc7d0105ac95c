"""The study's validation figures of every ReLaX-Net it trained, shipped with the
package so that `relax-keras info` can show them beside the configurations it lists.

`python -m relax_keras.tuning.report` writes `measured.csv` from the study's committed results;
a test of the `results` tier checks that the two agree.
"""

import csv
import pathlib

MEASURED = pathlib.Path(__file__).with_name("measured.csv")
FIELDS = ("task", "encoding", "budget", "weight_sets", "repeats", "metric", "mean",
          "half_width", "seeds")


def rows_of(summaries):
    """Returns the rows of `measured.csv` for the ReLaX points of `summaries`
    (`study_statistics.summarize`'s result): validation mean, 95% half width, seeds."""
    from relax_keras import tasks

    rows = []
    for point, summary in sorted(summaries.items()):
        task_name, encoding, budget, model, weight_sets, repeats = point
        if model != "relax":
            continue
        rows.append({
            "task": task_name, "encoding": encoding, "budget": str(budget),
            "weight_sets": str(weight_sets), "repeats": str(repeats),
            "metric": tasks.get(task_name).metric, "mean": f"{summary.mean:.6g}",
            "half_width": f"{summary.half_width:.6g}", "seeds": str(len(summary.by_seed)),
        })
    return rows


def write(summaries, path=MEASURED):
    """Writes `rows_of(summaries)` to `path`."""
    with open(path, "w", newline="") as handle:
        writer = csv.DictWriter(handle, FIELDS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows_of(summaries))


def read(task_name, encoding, budget, path=MEASURED):
    """Returns `{(weight_sets, repeats): row}`: what the study measured for a task, an
    input encoding and a budget (empty where it did not train that budget)."""
    with open(path, newline="") as handle:
        return {
            (int(row["weight_sets"]), int(row["repeats"])): row
            for row in csv.DictReader(handle)
            if (row["task"], row["encoding"], int(row["budget"])) == (task_name, encoding, budget)
        }
