"""A tuning job: a KerasTuner search of `ReLaXHyperModel`, resumable and distributable.

Resuming: the tuner reloads its oracle from `directory` (`overwrite=False`), so a
rerun continues a killed job and completed trials are neither lost nor rerun; the
search's state files are written whole, so a kill never cuts one (`engine.ReLaXTuner`).

Distributing: KerasTuner's own mode. Start the same job in several processes with
`KERASTUNER_ORACLE_IP`, `KERASTUNER_ORACLE_PORT` and `KERASTUNER_TUNER_ID` set
(`chief` for the process that hosts the oracle, `tuner0`, `tuner1`, ... for workers);
the chief hands out trials and the workers run them.
"""

import keras
import keras_tuner

from relax_keras.tuning.engine import ReLaXTuner
from relax_keras.tuning.hypermodel import ReLaXHyperModel
from relax_keras._validation import one_of

ORACLES = {"random": keras_tuner.oracles.RandomSearchOracle,
           "bayesian": keras_tuner.oracles.BayesianOptimizationOracle,
           "hyperband": keras_tuner.oracles.HyperbandOracle}


def make_tuner(hypermodel, tuner, max_trials, epochs, directory, project_name, seed,
               distribution_strategy=None):
    """Returns the `ReLaXTuner` of a job with the oracle named `tuner`, minimizing
    validation loss.

    The oracle's seed is `seed + 1`: KerasTuner reads a seed of 0 as "no seed" and
    draws one at random, and every seed here, 0 included, must fix the search.
    """
    oracle_class = ORACLES[one_of("tuner", tuner, ORACLES)]
    budget = {"max_epochs": epochs} if tuner == "hyperband" else {"max_trials": max_trials}
    oracle = oracle_class(objective="val_loss", seed=seed + 1, **budget)
    return ReLaXTuner(oracle, hypermodel, directory=directory, project_name=project_name,
                      overwrite=False, distribution_strategy=distribution_strategy)


def run_job(task, param_budget, train, validation, tuner="random", max_trials=10, epochs=3,
            directory="tuning/runs", project_name=None, seed=0, depth=None, encoding=None,
            policy="float32", steps_per_epoch=None, validation_steps=None, distribution_strategy=None,
            verbose=1, before_search=None):
    """Runs (or resumes) a search and returns the tuner.

    Args:
        task: str, a task of `relax_keras.tasks.TASKS`.
        param_budget: int, the most parameters of every model.
        train, validation: `tf.data.Dataset`s of the task.
        tuner: `"random"`, `"bayesian"` or `"hyperband"`.
        max_trials: int, trials of random and bayesian searches.
        epochs: int, epochs per trial (hyperband: the most epochs).
        directory, project_name: where KerasTuner keeps the job's state.
        seed: int, the tuner's seed.
        depth: int or `None`, a fixed depth L_W * L_T.
        encoding: str, one of the task's encodings, or `None` for its first.
        policy: `"float32"`, `"mixed_float16"` or `"mixed_bfloat16"`.
        steps_per_epoch: int or `None`, to cap the batches per epoch.
        validation_steps: int or `None`, to cap the validation batches scored per epoch
            (the trials' scores then come from those batches only).
        distribution_strategy: a `tf.distribute.Strategy` for each trial's training.
        before_search: callable or `None`, called once the search's default point has
            been built, before anything is written (e.g. to record the job's settings).
    """
    keras.config.set_dtype_policy(policy)
    hypermodel = ReLaXHyperModel(task, param_budget, depth=depth, encoding=encoding)  # every point fits
    if before_search is not None:
        before_search()
    search = make_tuner(hypermodel, tuner, max_trials, epochs, directory,
                        project_name or f"{task}_{param_budget}", seed, distribution_strategy)
    search.search(train, validation_data=validation, epochs=epochs,
                  steps_per_epoch=steps_per_epoch, validation_steps=validation_steps, verbose=verbose,
                  shuffle=False)  # the dataset shuffles itself; Keras warns on its default `True`
    return search
