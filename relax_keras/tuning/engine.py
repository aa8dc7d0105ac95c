"""The one tuner of `relax-keras tune` and `relax-keras study`.

A search (`tune`: KerasTuner's random, Bayesian or Hyperband oracle over
`ReLaXHyperModel`) and the paired grid (`study`: `StudyOracle` over `StudyHyperModel`)
differ only in their oracle and hypermodel; both run their trials through `ReLaXTuner`.
A trial:

1. builds the hypermodel's model; a `ValueError` there means the budget cannot hold the
   point: the trial fails as infeasible (`record.json` says why) and the search goes on;
2. trains it with the hypermodel's `fit`; an `OSError` or `ValueError` there is the
   data's or the disk's: the search stops (`failures.stop_the_search`) and a rerun
   retries the trial;
3. keeps the weights of its best epoch by the objective (`checkpoint.weights.h5`, what
   `get_best_models` and Hyperband's next round load), where `keep_weights`;
4. writes `record.json`: the hypermodel's description of the trial, its
   hyperparameters, the outcome, the parameter count, the seconds and the provenance.

Only KerasTuner's public hooks are used (`run_trial`, `load_model`, `get_trial_dir`);
the state files are written whole (`atomic_state.WholeTunerState`).
"""

import contextlib
import json
import os
import time

import keras
import keras_tuner

from relax_keras._files import write_atomically
from relax_keras._provenance import provenance
from relax_keras.tuning.atomic_state import WholeTunerState
from relax_keras.tuning.failures import stop_the_search

RECORD = "record.json"
WEIGHTS = "checkpoint.weights.h5"  # KerasTuner's own name: jobs started before keep their best models


class ReLaXTuner(WholeTunerState, keras_tuner.Tuner):
    """Runs the trials its oracle serves with the models of its hypermodel.

    The hypermodel is a `keras_tuner.HyperModel` whose `fit(hp, model, *args,
    trial_directory, **kwargs)` takes the trial's folder (for files of its own) and
    returns what KerasTuner takes from `fit` (a `History` or a dict of metrics), and
    which may describe a trial for its record with `describe(hp)` and `outcome(model,
    result)` (dicts).

    Args:
        oracle: a `keras_tuner.Oracle`.
        hypermodel: the hypermodel (see above).
        keep_weights: bool, whether each trial keeps its best epoch's weights.
            Default: `True`.
        **kwargs: `directory`, `project_name`, `distribution_strategy`, ... (see
            `keras_tuner.Tuner`).
    """

    def __init__(self, oracle, hypermodel, keep_weights=True, **kwargs):
        super().__init__(oracle=oracle, hypermodel=hypermodel, **kwargs)
        self.keep_weights = keep_weights
        self.provenance = provenance()

    def run_trial(self, trial, *args, **kwargs):
        hp = trial.hyperparameters
        record = {"trial_id": trial.trial_id, **_call(self.hypermodel, "describe", hp), **hp.values,
                  "tuner_id": self.tuner_id, **self.provenance}
        keras.backend.clear_session()  # as KerasTuner's own trials: no graph left from the last one
        try:
            with self._scope():
                model = self.hypermodel.build(hp)
        except ValueError as error:  # the budget cannot hold this point
            self._write(trial, {**record, "status": "infeasible", "message": str(error)})
            raise keras_tuner.errors.FailedTrialError(f"infeasible: {error}") from error
        kwargs["callbacks"] = list(kwargs.get("callbacks", []))
        if "tuner/epochs" in hp.values:  # a Hyperband round
            kwargs.update(epochs=hp.values["tuner/epochs"], initial_epoch=hp.values["tuner/initial_epoch"])
        if "tuner/trial_id" in hp.values:  # it goes on from an earlier round's weights
            _load_weights(model, self._weights(hp.values["tuner/trial_id"]))
        if self.keep_weights:
            objective = self.oracle.objective
            kwargs["callbacks"].append(keras.callbacks.ModelCheckpoint(
                self._weights(trial.trial_id), monitor=objective.name, mode=objective.direction,
                save_best_only=True, save_weights_only=True))
        start = time.perf_counter()
        try:  # a failure from here on is the data's or the disk's, not the model's
            result = self.hypermodel.fit(hp, model, *args, trial_directory=self.get_trial_dir(trial.trial_id),
                                         **kwargs)
        except (OSError, ValueError) as error:
            raise stop_the_search(trial, error) from error
        self._write(trial, {**record, "status": "ok", "params": model.count_params(),
                            **_call(self.hypermodel, "outcome", model, result),
                            "seconds": round(time.perf_counter() - start, 1)})
        return result

    def load_model(self, trial):
        with self._scope():
            model = self.hypermodel.build(trial.hyperparameters)
        _load_weights(model, self._weights(trial.trial_id))
        return model

    def _scope(self):
        strategy = self.distribution_strategy
        return strategy.scope() if strategy is not None else contextlib.nullcontext()

    def _weights(self, trial_id):
        return os.path.join(self.get_trial_dir(trial_id), WEIGHTS)

    def _write(self, trial, record):
        write_atomically(os.path.join(self.get_trial_dir(trial.trial_id), RECORD), json.dumps(record, indent=1))


def _call(hypermodel, hook, *args):
    """The dict the hypermodel's optional `hook` returns, `{}` without one."""
    method = getattr(hypermodel, hook, None)
    return method(*args) if method is not None else {}


def _load_weights(model, path):
    """Loads the weights and optimizer state saved at `path` into `model`, whose
    optimizer is built first so that its state has somewhere to go."""
    model.optimizer.build(model.trainable_variables)
    model.load_weights(path)
