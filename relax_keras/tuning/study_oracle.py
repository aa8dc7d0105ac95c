"""The study's KerasTuner oracle: learning rates on one seed, then the other seeds.

For each point, in order: one trial per learning rate on the first seed; once they
have all ended, the learning rate with the best validation metric (ties: the first
listed) is chosen and the remaining seeds run at it. Points are served depth-first, so
the first points of the study finish completely before later ones start; a worker
asks for another point's trials while a point waits on its learning-rate trials.
A follow-up study gives each point's rate (`chosen_rates`): all its seeds run at it,
as seed trials, or, where it extends the rate grid (`extends_rates`), as learning-rate
trials on the first seed (the report then chooses over every rate a point tried).

Being a `keras_tuner.Oracle`, it runs under KerasTuner's distributed mode as is
(`KERASTUNER_TUNER_ID`, `KERASTUNER_ORACLE_IP`, `KERASTUNER_ORACLE_PORT`): the chief
holds it and workers ask it for trials; a reloaded oracle reruns the trials that were
running when its process was killed.
"""

import time

import keras_tuner
from keras_tuner.engine.trial import TrialStatus

from relax_keras.tuning.atomic_state import WholeState

RATE_STAGE = "learning_rate"
SEED_STAGE = "seed"
ENDED = (TrialStatus.COMPLETED, TrialStatus.FAILED, TrialStatus.INVALID)


class StudyOracle(WholeState, keras_tuner.Oracle):
    """Serves the study's trials: `(point, learning_rate, seed, stage)` values.

    Args:
        points: list of str, the points' keys, in the order to run them.
        learning_rates: list of float, the rates tried on the first seed.
        seeds: list of int; the first chooses the rate, the others run at it.
        higher_is_better: bool, the direction of the validation metric.
        chosen_rates: dict, point -> learning rate chosen earlier, or `None`. Given,
            every point must be in it and every seed runs at its rate.
        extends_rates: bool, whether `chosen_rates` are rates to try on the one seed
            (learning-rate trials) rather than chosen rates. Default: `False`.
        idle_seconds: float, how long a request waits when every remaining trial
            depends on a learning-rate trial still running. Default: `1.0`.
    """

    def __init__(self, points, learning_rates, seeds, higher_is_better, chosen_rates=None, extends_rates=False,
                 idle_seconds=1.0, **kwargs):
        self.points = list(points)
        self.learning_rates = list(learning_rates)
        self.seeds = list(seeds)
        self.chosen_rates = chosen_rates
        self.extends_rates = extends_rates
        if chosen_rates is not None and set(self.points) - set(chosen_rates):
            raise ValueError(f"`chosen_rates` has no rate for the points {sorted(set(self.points) - set(chosen_rates))}.")
        self.idle_seconds = idle_seconds
        space = keras_tuner.HyperParameters()
        space.Choice("point", self.points)
        space.Choice("learning_rate", self.learning_rates)
        space.Choice("seed", self.seeds)
        space.Choice("stage", [RATE_STAGE, SEED_STAGE])
        trials_per_point = len(self.seeds) if chosen_rates else len(self.learning_rates) + len(self.seeds) - 1
        trials = len(self.points) * trials_per_point
        super().__init__(
            objective=keras_tuner.Objective("val_metric", "max" if higher_is_better else "min"),
            hyperparameters=space, allow_new_entries=False, tune_new_entries=False,
            max_trials=trials, max_consecutive_failed_trials=trials + 1, **kwargs,
        )

    def populate_space(self, trial_id):
        issued = {_signature(trial.hyperparameters.values) for trial in self.trials.values()}
        waiting = False
        for point in self.points:
            for values in self._trials_of(point):
                if values is None:  # its learning rate is not chosen yet
                    waiting = True
                    break
                if _signature(values) not in issued:
                    return {"status": TrialStatus.RUNNING, "values": values}
        if waiting:
            time.sleep(self.idle_seconds)
            return {"status": TrialStatus.IDLE}
        return {"status": TrialStatus.STOPPED}

    def _trials_of(self, point):
        """Yields the values of `point`'s trials; `None` where its rate is pending."""
        if self.chosen_rates:
            stage = RATE_STAGE if self.extends_rates else SEED_STAGE
            for seed in self.seeds:
                yield {"point": point, "learning_rate": self.chosen_rates[point], "seed": seed, "stage": stage}
            return
        for rate in self.learning_rates:
            yield {"point": point, "learning_rate": rate, "seed": self.seeds[0], "stage": RATE_STAGE}
        rate = self.chosen_rate(point)
        if rate is PENDING:
            yield None
        elif rate is not None:
            for seed in self.seeds[1:]:
                yield {"point": point, "learning_rate": rate, "seed": seed, "stage": SEED_STAGE}

    def chosen_rate(self, point):
        """Returns the learning rate chosen for `point`, `PENDING` while a rate trial
        has not ended, or `None` if they all failed (KerasTuner fails a trial whose
        metric is NaN: a diverged rate is never chosen)."""
        trials = [trial for trial in self.trials.values()
                  if trial.hyperparameters.values["point"] == point
                  and trial.hyperparameters.values["stage"] == RATE_STAGE]
        if len(trials) < len(self.learning_rates) or any(t.status not in ENDED for t in trials):
            return PENDING
        scored = [t for t in trials if t.status == TrialStatus.COMPLETED and t.score is not None]
        if not scored:
            return None
        sign = -1 if self.objective.direction == "max" else 1
        best = min(scored, key=lambda t: (sign * t.score,
                                          self.learning_rates.index(t.hyperparameters.values["learning_rate"])))
        return best.hyperparameters.values["learning_rate"]


PENDING = "pending"


def _signature(values):
    return (values["point"], values["learning_rate"], values["seed"], values["stage"])
