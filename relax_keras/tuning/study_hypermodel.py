"""The study's hypermodel: one grid point trained at one learning rate and seed."""

import functools
import json
import os

import keras
import keras_tuner

from relax_keras import tasks
from relax_keras._files import write_atomically

SEALED_TEST = "sealed_test.json"


class ValidationCurve(keras.callbacks.Callback):
    """Scores the selection split at the end of every epoch, as the epoch's
    `val_metric` log."""

    def __init__(self, task, dataset):
        super().__init__()
        self.task, self.dataset = task, dataset

    def on_epoch_end(self, epoch, logs=None):
        logs["val_metric"] = self.task.score(self.model, self.dataset)


class StudyHyperModel(keras_tuner.HyperModel):
    """Builds and trains the trials a `StudyOracle` serves (`point`, `learning_rate`,
    `seed`, `stage`), run by `engine.ReLaXTuner`.

    A trial trains the point's model from the trial's seed (which fixes both the
    initial weights and the order of the training batches, so every point sees the
    same batches for the same seed) with Adam and a cosine decay from the trial's
    learning rate to 0 over `steps`, scoring the task's selection split `evaluations`
    times; its metric is the last score. It scores the test split once at the end into
    `sealed_test.json`, which nothing reads before the report's final reading. A point
    whose budget cannot hold it raises `ValueError` when built (infeasible).

    Args:
        points: dict, point key -> `relax_keras.tuning.study_grid.Point`.
        steps: int, training steps per trial.
        evaluations: int, validation scores per trial (the curve's length).
        fingerprint: str, the model-semantics fingerprint recorded with each trial.
        sources: dict of data-source options (`local_dir`, `data_dir`, `source`).
        recipe: str, the recipe's fingerprint recorded with each trial
            (`relax_keras.tuning.recipe`). Default: `""`.
    """

    def __init__(self, points, steps, evaluations, fingerprint, sources=None, recipe=""):
        super().__init__(name="study")
        self.points, self.steps, self.evaluations = points, steps, evaluations
        self.fingerprint, self.sources, self.recipe = fingerprint, sources or {}, recipe

    @property
    def steps_per_epoch(self):
        """Training steps between two validation scores."""
        return self.steps // self.evaluations

    @functools.lru_cache(maxsize=None)
    def evaluation_dataset(self, task_name, split):
        return tasks.get(task_name).dataset(split, scoring=True, sources=self.sources)

    def task_of(self, point):
        """The task of the point named `point`."""
        return tasks.get(self.points[point].task)

    def training_data(self, task, seed):
        """The endless training batches of a trial with `seed`, shuffled by it."""
        return task.dataset("train", seed=seed, shuffle=True, repeat=True, sources=self.sources)

    def describe(self, hp):
        point = self.points[hp["point"]]
        return {**point.__dict__, "depth": point.depth, "family": point.family, "steps": self.steps,
                "fingerprint": self.fingerprint, "recipe": self.recipe}

    def build(self, hp):
        point = self.points[hp["point"]]
        keras.utils.set_random_seed(hp["seed"])
        schedule = keras.optimizers.schedules.CosineDecay(hp["learning_rate"], self.steps)
        return self.task_of(hp["point"]).build(point.model, point.encoding, point.weight_sets or None,
                                               point.repeats or None, point.budget, schedule)

    def fit(self, hp, model, *args, trial_directory, callbacks=(), **kwargs):
        task = self.task_of(hp["point"])
        curve = ValidationCurve(task, self.evaluation_dataset(task.name, task.selection_split))
        history = model.fit(
            self.training_data(task, hp["seed"]), epochs=self.evaluations,
            steps_per_epoch=self.steps_per_epoch, callbacks=[curve, *callbacks], verbose=0,
            shuffle=False)  # the dataset shuffles itself, by the seed
        test_metric = task.score(model, self.evaluation_dataset(task.name, task.test_split))
        write_atomically(os.path.join(trial_directory, SEALED_TEST), json.dumps({"test_metric": test_metric}))
        return {"val_metric": history.history["val_metric"][-1]}

    def outcome(self, model, result):
        """The last validation score and the curve: `(step, metric)` after each epoch."""
        scores = model.history.history["val_metric"]
        return {"val_metric": result["val_metric"],
                "curve": [((epoch + 1) * self.steps_per_epoch, score) for epoch, score in enumerate(scores)]}
