"""A study: the paper's question asked properly, run as a KerasTuner search.

`run_study(spec)` trains every point of the spec's grid (and its Keras baselines) at
each budget: learning rates chosen on the validation split with the first seed, then
the other seeds at the chosen rate (`StudyOracle`), every trial trained with a cosine
schedule and paired seeds (`StudyHyperModel`), all run by `engine.ReLaXTuner`, the
tuner of `tune` too. Rerunning it resumes; starting the same
command with KerasTuner's `KERASTUNER_*` variables spreads it over a chief and workers.
When the search ends, the chief (or the only process) writes `results.csv` and
`curves.csv` to the spec's output folder.

An ended study's records can be archived into one file (`relax_keras.tuning.records`);
rerunning it then restores them from the archive first.

A study is bound to the model semantics it started with: its project holds the
spec and the semantics fingerprint, and a rerun with other settings or by code with
other semantics is refused before any work.
"""

import csv
import json
import os
import pathlib

from relax_keras import tasks
from relax_keras._files import csv_text
from relax_keras._files import read_json_object
from relax_keras._files import write_atomically
from relax_keras.tuning import records
from relax_keras.tuning.fingerprint import semantics_fingerprint
from relax_keras.tuning.recipe import recipe_fingerprint
from relax_keras.tuning.settings_guard import describe_differences
from relax_keras.tuning.study_grid import grid_points
from relax_keras.tuning.study_oracle import StudyOracle
from relax_keras.tuning.engine import RECORD
from relax_keras.tuning.engine import ReLaXTuner
from relax_keras.tuning.study_hypermodel import StudyHyperModel

RESULT_FIELDS = [
    "trial_id", "task", "encoding", "budget", "model", "family", "weight_sets", "repeats",
    "depth", "stage", "learning_rate", "seed", "params", "steps", "val_metric", "status",
    "seconds", "fingerprint", "recipe", "relax_keras", "commit", "tensorflow", "keras", "cpu",
]
GUARD = "study.json"
OWNER = "study_name.json"  # beside results.csv: the study that wrote them


def study_points(spec):
    """Returns the spec's points as an ordered dict: key -> `Point` (a follow-up's: those
    of its `chosen_rates`, which must all be points of its grid)."""
    task = tasks.get(spec.task)
    points = grid_points(task, spec.encoding, spec.budgets, spec.weight_sets, spec.repeats,
                         spec.depths, spec.baselines)
    points = {point.key: point for point in points}
    if spec.chosen_rates is None:
        return points
    unknown = sorted(set(spec.chosen_rates) - set(points))
    if unknown:
        raise ValueError(f"Study {spec.name!r}: `chosen_rates` names points {unknown} that are not in its "
                         "grid (`budgets`, `depths`, `weight_sets`, `repeats`, `baselines`).")
    return {key: point for key, point in points.items() if key in spec.chosen_rates}


def run_study(spec, verbose=1):
    """Runs (or resumes, or joins as a worker) the study of `spec`; returns the output
    folder's `results.csv` path on the chief, `None` on a worker."""
    fingerprint, _ = semantics_fingerprint()
    project = pathlib.Path(spec.directory) / spec.name
    records.restore(project)  # an archived study resumes from its archive
    points = study_points(spec)
    hypermodel = StudyHyperModel(points, spec.steps, spec.evaluations, fingerprint, spec.sources)
    hypermodel.recipe = check_guard(project, spec, fingerprint, lambda: recipe_fingerprint(
        hypermodel, spec.learning_rates, spec.seeds, spec.chosen_rates)[0])
    check_results(pathlib.Path(spec.output) / "results.csv", fingerprint, spec.name, hypermodel.recipe)
    task = tasks.get(spec.task)
    oracle = StudyOracle(list(points), spec.learning_rates, spec.seeds, task.higher_is_better,
                         chosen_rates=spec.chosen_rates, extends_rates=spec.extends_rates)
    tuner = ReLaXTuner(oracle, hypermodel, keep_weights=False, directory=spec.directory,
                       project_name=spec.name)
    tuner.search(verbose=verbose)
    if os.environ.get("KERASTUNER_TUNER_ID", "chief") != "chief":
        return None
    return collect(project, pathlib.Path(spec.output), list(points))


def check_guard(project, spec, fingerprint, recipe):
    """Writes the project's spec, semantics fingerprint and recipe fingerprint (`recipe()`,
    computed here), or refuses a rerun that differs; returns the recipe fingerprint (`""`
    for a study started before recipes were fingerprinted, which goes on without one)."""
    guard = project / GUARD
    if guard.exists():
        recorded = json.loads(guard.read_text())
        # read as a spec, so that a field added since it was written has its default
        recorded_spec = type(spec)(**recorded["spec"]).to_dict()
        listed = describe_differences(spec.to_dict(), recorded_spec, ignore=spec.LOCATION_FIELDS)
        if listed:
            raise ValueError(
                f"The study {project} was started with other settings ({listed}). Rerun it "
                "with its recorded settings, or give the new study another `name`.")
        if recorded["fingerprint"] != fingerprint:
            raise ValueError(
                f"The study {project} was started by code with other model semantics "
                f"(fingerprint {recorded['fingerprint']}, this code: {fingerprint}); its trials "
                "cannot be mixed with new ones. Give the new study another `name` and `output`.")
        if "recipe" not in recorded:
            return ""
        digest = recipe()
        if digest != recorded["recipe"]:
            raise ValueError(
                f"The study {project} was started with another recipe (data order, optimizer, sizing "
                f"or scoring: recipe fingerprint {recorded['recipe']}, now {digest}; see "
                "`relax_keras.tuning.recipe`); its trials cannot be mixed with new ones. Give the new "
                "study another `name` and `output`.")
        return recorded["recipe"]
    digest = recipe()
    project.mkdir(parents=True, exist_ok=True)
    write_atomically(guard, json.dumps({"spec": spec.to_dict(), "fingerprint": fingerprint, "recipe": digest},
                                       indent=1))
    return digest


def check_results(path, fingerprint, name=None, recipe=""):
    """Refuses to write over results of another study (`name`, recorded beside them in
    `OWNER`), or made by code with other model semantics or with another recipe."""
    owner = path.with_name(OWNER)
    if name is not None and owner.exists():
        recorded = read_json_object(owner).get("study")
        if recorded != name:
            raise ValueError(f"{path.parent} holds the results of the study {recorded!r}; give the study "
                             f"{name!r} another `output`.")
    if not path.exists():
        return
    with open(path) as file:
        rows = list(csv.DictReader(file))
    for field, value, what in (("fingerprint", fingerprint, "model semantics"), ("recipe", recipe, "recipe")):
        recorded = {row.get(field) or "" for row in rows}
        if recorded - {value}:
            raise ValueError(
                f"{path} holds results of another {what} ({field}s {sorted(recorded)}, this code: "
                f"{value!r}); a table never mixes them. Write this study to another `output`.")


def collect(project, output, point_order):
    """Writes `results.csv` (one row per trial) and `curves.csv` (the validation curves)
    from the trial records of `project`; returns the path of `results.csv`."""
    records = [json.loads(path.read_text()) for path in sorted(project.glob(f"trial_*/{RECORD}"))]
    records.sort(key=lambda r: (point_order.index(r["point"]) if r["point"] in point_order else len(point_order),
                                r["stage"] != "learning_rate", r["learning_rate"], r["seed"]))
    output.mkdir(parents=True, exist_ok=True)
    write_atomically(output / OWNER, json.dumps({"study": project.name}) + "\n")
    rows = [{field: record.get(field, "") for field in RESULT_FIELDS} for record in records]
    write_atomically(output / "results.csv", csv_text(RESULT_FIELDS, rows))
    curve_rows = [{"trial_id": r["trial_id"], "step": step, "val_metric": metric}
                  for r in records for step, metric in r.get("curve", [])]
    write_atomically(output / "curves.csv", csv_text(["trial_id", "step", "val_metric"], curve_rows))
    return output / "results.csv"


def archive_study(spec):
    """Archives the records of the ended study of `spec` (`records.archive`); returns
    the archive's path."""
    project = pathlib.Path(spec.directory) / spec.name
    return records.archive(project, pathlib.Path(spec.output) / "results.csv")
