import keras_tuner

from relax_keras import tasks
from relax_keras._validation import one_of
from relax_keras._validation import positive_int


class ReLaXHyperModel(keras_tuner.HyperModel):
    """Search space of ReLaX-Nets under a fixed parameter budget.

    Searches the number of weight sets L_W, the repetition length L_T (or derives it
    from a fixed depth D = L_W * L_T), the schedule, the activation and the learning
    rate; the width `units` is the largest whose whole model fits `param_budget`.
    The space holds feasible points only: the L_W values that divide a fixed depth
    and whose bank fits the budget (checked when the hypermodel is made), so no
    trial fails by construction.

    Args:
        task: str, a task of `relax_keras.tasks.TASKS`.
        param_budget: int, the most parameters of every model built.
        depth: int or `None`, a fixed effective depth L_W * L_T.
        encoding: str, one of the task's encodings, or `None` for its first
            (`"rows"` for images). Default: `None`.
        weight_sets: list of L_W values to search. Default: `[1, 2, 4, 8]`.
        repeats: list of L_T values to search (without a fixed depth).
            Default: `[1, 2, 4, 8]`.

    Example:

    >>> hypermodel = ReLaXHyperModel("mnist", param_budget=60_000, depth=8)
    >>> model = hypermodel.build(keras_tuner.HyperParameters())
    >>> model.count_params() <= 60_000
    True
    """

    def __init__(self, task, param_budget, depth=None, encoding=None,
                 weight_sets=(1, 2, 4, 8), repeats=(1, 2, 4, 8), name=None, tunable=True):
        super().__init__(name=name, tunable=tunable)
        self.task = tasks.get(task)
        self.param_budget = positive_int("param_budget", param_budget)
        self.depth = None if depth is None else positive_int("depth", depth)
        self.encoding = one_of("encoding", encoding or self.task.encodings[0], self.task.encodings)
        self.repeats = [positive_int("repeats", r) for r in repeats]
        candidates = [positive_int("weight_sets", w) for w in weight_sets]
        feasible = [w for w in candidates if (self.depth is None or self.depth % w == 0) and self._fits(w)]
        if not feasible:
            raise ValueError(
                f"No value of `weight_sets` {candidates} divides depth={self.depth} and fits "
                f"param_budget={self.param_budget} for task {self.task.name!r}."
            )
        self.weight_sets = feasible

    def _fits(self, weight_sets):
        """Whether a model with `weight_sets` weight sets fits the budget (L_T does not
        change the parameter count)."""
        try:
            self.task.build_relax(self.encoding, weight_sets=weight_sets, repeats=1,
                                  param_budget=self.param_budget, learning_rate=1e-3)
        except ValueError:
            return False
        return True

    def build(self, hp):
        weight_sets = hp.Choice("weight_sets", self.weight_sets, default=self.weight_sets[min(1, len(self.weight_sets) - 1)])
        if self.depth is None:
            repeats = hp.Choice("repeats", self.repeats, default=self.repeats[min(1, len(self.repeats) - 1)])
        else:
            repeats = self.depth // weight_sets
        arguments = dict(
            weight_sets=weight_sets,
            repeats=repeats,
            schedule=hp.Choice("schedule", ["blocked", "cyclic"]),
            activation=hp.Choice("activation", ["tanh", "relu", "sin2"]),
            param_budget=self.param_budget,
            learning_rate=hp.Float("learning_rate", 1e-4, 1e-2, sampling="log", default=2e-3),
        )
        return self.task.build_relax(self.encoding, **arguments)

    def describe(self, hp):
        """The search's settings, for the trial's record."""
        return {"task": self.task.name, "encoding": self.encoding, "budget": self.param_budget,
                "depth": self.depth}

    def fit(self, hp, model, *args, trial_directory=None, **kwargs):
        """`model.fit(*args, **kwargs)` (the trial's folder is not needed)."""
        return model.fit(*args, **kwargs)

    def outcome(self, model, history):
        """The trial's per-epoch logs, for its record."""
        return {"history": {name: [float(value) for value in values] for name, values in history.history.items()}}
