"""The study's KerasTuner tuner: trains one point at one learning rate and seed."""

import functools
import json
import os
import time

import keras
import keras_tuner

from relax_keras import tasks
from relax_keras._files import write_atomically
from relax_keras._provenance import provenance
from relax_keras.tuning.atomic_state import WholeTunerState
from relax_keras.tuning.failures import stop_the_search

RECORD = "record.json"
SEALED_TEST = "sealed_test.json"


class ValidationCurve(keras.callbacks.Callback):
    """Scores the selection split at the end of every epoch: `(step, metric)` pairs."""

    def __init__(self, task, dataset, steps_per_epoch):
        super().__init__()
        self.task, self.dataset, self.steps_per_epoch = task, dataset, steps_per_epoch
        self.points = []

    def on_epoch_end(self, epoch, logs=None):
        self.points.append(((epoch + 1) * self.steps_per_epoch, self.task.score(self.model, self.dataset)))


class StudyTuner(WholeTunerState, keras_tuner.Tuner):
    """Runs the trials a `StudyOracle` serves.

    A trial trains the point's model from the trial's seed (which fixes both the
    initial weights and the order of the training batches, so every point sees the
    same batches for the same seed) with Adam and a cosine decay from the trial's
    learning rate to 0 over `steps`, scoring the task's selection split
    `evaluations` times. It writes `record.json` (settings, metric, validation curve,
    provenance) and `model.weights.h5` into its trial directory and reports the last
    validation metric. A point whose budget cannot hold it fails as infeasible.

    Args:
        oracle: a `StudyOracle`.
        points: dict, point key -> `relax_keras.tuning.study_grid.Point`.
        steps: int, training steps per trial.
        evaluations: int, validation scores per trial (the curve's length).
        fingerprint: str, the model-semantics fingerprint recorded with each row.
        sources: dict of data-source options (`local_dir`, `data_dir`, `source`).
        **kwargs: `directory`, `project_name` (see `keras_tuner.Tuner`).
    """

    def __init__(self, oracle, points, steps, evaluations, fingerprint, sources=None, **kwargs):
        super().__init__(oracle=oracle, **kwargs)
        self.points, self.steps, self.evaluations = points, steps, evaluations
        self.fingerprint, self.sources = fingerprint, sources or {}
        self.provenance = provenance()

    @functools.lru_cache(maxsize=None)
    def evaluation_dataset(self, task_name, split):
        return tasks.get(task_name).dataset(split, scoring=True, sources=self.sources)

    def run_trial(self, trial, *args, **kwargs):
        values = trial.hyperparameters.values
        point = self.points[values["point"]]
        task = tasks.get(point.task)
        keras.utils.set_random_seed(values["seed"])
        schedule = keras.optimizers.schedules.CosineDecay(values["learning_rate"], self.steps)
        record = {"trial_id": trial.trial_id, **point.__dict__, "depth": point.depth,
                  "family": point.family, **values, "steps": self.steps,
                  "fingerprint": self.fingerprint, "tuner_id": self.tuner_id, **self.provenance}
        try:
            model = task.build(point.model, point.encoding, point.weight_sets or None,
                               point.repeats or None, point.budget, schedule)
        except ValueError as error:  # the budget cannot hold this point
            self._write(trial, {**record, "status": "infeasible", "message": str(error)})
            raise keras_tuner.errors.FailedTrialError(f"infeasible: {error}") from error
        try:  # a failure from here on is the data's or the disk's, not the model's
            metric = self._train_and_score(trial, task, model, values["seed"], record)
        except (OSError, ValueError) as error:
            raise stop_the_search(trial, error) from error
        return {"val_metric": metric}

    def _train_and_score(self, trial, task, model, seed, record):
        steps_per_epoch = self.steps // self.evaluations
        curve = ValidationCurve(task, self.evaluation_dataset(task.name, task.selection_split),
                                steps_per_epoch)
        start = time.perf_counter()
        model.fit(task.dataset("train", seed=seed, shuffle=True, repeat=True, sources=self.sources),
                  epochs=self.evaluations, steps_per_epoch=steps_per_epoch, callbacks=[curve],
                  verbose=0, shuffle=False)  # the dataset shuffles itself, by the seed
        seconds = round(time.perf_counter() - start, 1)
        test_metric = task.score(model, self.evaluation_dataset(task.name, task.test_split))
        self._write(trial, {"trial_id": trial.trial_id, "test_metric": test_metric}, SEALED_TEST)
        metric = curve.points[-1][1]
        self._write(trial, {**record, "status": "ok", "params": model.count_params(),
                            "val_metric": metric, "curve": curve.points, "seconds": seconds})
        return metric

    def _write(self, trial, record, name=RECORD):
        write_atomically(os.path.join(self.get_trial_dir(trial.trial_id), name), json.dumps(record, indent=1))
