"""The specification of a study: a JSON file in `tuning/specs/`, checked before any work."""

import dataclasses
import json
import numbers

from relax_keras import tasks
from relax_keras._validation import one_of


@dataclasses.dataclass(frozen=True)
class StudySpec:
    """What a study trains and where it writes.

    Attributes:
        name: str, the study's name (its KerasTuner project).
        task: str, a task of `relax_keras.tasks.TASKS`.
        encoding: str, one of the task's encodings.
        budgets: list of int, the parameter budgets.
        depths: list of int, the depths L_W * L_T to train, in the order to run them.
        weight_sets: list of int, the grid's L_W values.
        repeats: list of int, the grid's L_T values.
        baselines: bool, whether to train the task's Keras baselines at each budget.
        learning_rates: list of float, tried on the first seed of every point.
        seeds: list of int, the paired seeds (each fixes initialization and data order).
        chosen_rates: dict, point key -> learning rate, or `None` (the default). Given,
            the study is a follow-up of one whose rates are chosen: it trains only these
            points of its grid, every seed at the point's rate (no learning-rate trials).
        extends_rates: bool, whether the follow-up's `chosen_rates` are rates to try
            past the grid of the studies it follows, on its one seed, rather than rates
            chosen: its trials are learning-rate trials, and the report chooses each
            point's rate over them and those studies' trials. Default: `False`.
        follows: list of str, or `None` (the default): a follow-up's provenance, the
            names of the studies whose results chose its points and rates.
        steps: int, training steps per trial (cosine decay to 0 over them).
        evaluations: int, validation scores per trial.
        output: str, the folder of the committed results (`results.csv`, ...).
        directory: str, where KerasTuner keeps the study's state and trial records
            (committed, so that a study resumes on a fresh machine).
        sources: dict, data-source options (`local_dir`, `data_dir`, `source`).
    """

    name: str
    task: str
    encoding: str
    budgets: tuple
    depths: tuple
    learning_rates: tuple
    steps: int
    output: str
    weight_sets: tuple = (1, 2, 4, 8)
    repeats: tuple = (1, 2, 4, 8)
    baselines: bool = True
    seeds: tuple = (0, 1, 2)
    chosen_rates: dict = None
    extends_rates: bool = False
    follows: tuple = None
    evaluations: int = 8
    directory: str = "tuning/studies"
    sources: dict = dataclasses.field(default_factory=dict)

    # settings a resumed study may change: where things are and where they came from,
    # not what is trained
    LOCATION_FIELDS = ("output", "directory", "sources", "follows")

    def __post_init__(self):
        task = tasks.get(self.task)
        one_of("encoding", self.encoding, task.encodings)
        for name in ("budgets", "depths", "weight_sets", "repeats", "seeds"):
            values = getattr(self, name)
            if not values or any(isinstance(v, bool) or not isinstance(v, int) or v < (0 if name == "seeds" else 1)
                                 for v in values):
                raise ValueError(f"Study {self.name!r}: `{name}` must be a non-empty list of "
                                 f"{'integers >= 0' if name == 'seeds' else 'positive integers'}, got {values!r}.")
            object.__setattr__(self, name, tuple(values))
        rates = self.learning_rates
        if not rates or any(isinstance(r, bool) or not isinstance(r, numbers.Real) or not 0 < r < 1 for r in rates):
            raise ValueError(f"Study {self.name!r}: `learning_rates` must be a non-empty list of "
                             f"numbers in (0, 1), got {rates!r}.")
        object.__setattr__(self, "learning_rates", tuple(float(r) for r in rates))
        if self.chosen_rates is not None:
            if not isinstance(self.chosen_rates, dict) or not self.chosen_rates:
                raise ValueError(f"Study {self.name!r}: `chosen_rates` must be a non-empty dict of "
                                 f"point key -> learning rate, got {self.chosen_rates!r}.")
            outside = {key: rate for key, rate in self.chosen_rates.items() if rate not in self.learning_rates}
            if outside:
                raise ValueError(f"Study {self.name!r}: `chosen_rates` {outside} are not in "
                                 f"`learning_rates` {list(self.learning_rates)}.")
        if not isinstance(self.extends_rates, bool):
            raise ValueError(f"Study {self.name!r}: `extends_rates` must be true or false, got {self.extends_rates!r}.")
        if self.extends_rates and (self.chosen_rates is None or len(self.seeds) != 1):
            raise ValueError(f"Study {self.name!r}: `extends_rates` needs `chosen_rates` (the rates to try) "
                             f"and one seed (the seed that chooses rates), got {len(self.seeds)} seeds "
                             f"{list(self.seeds)} and `chosen_rates` {self.chosen_rates!r}.")
        names = self.follows
        if names is not None:
            if not isinstance(names, (list, tuple)) or not names or not all(isinstance(n, str) and n for n in names):
                raise ValueError(f"Study {self.name!r}: `follows` must be a non-empty list of study "
                                 f"names, got {names!r}.")
            object.__setattr__(self, "follows", tuple(names))
        for name in ("steps", "evaluations"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise ValueError(f"Study {self.name!r}: `{name}` must be a positive integer, got {value!r}.")
        if self.steps % self.evaluations:
            raise ValueError(f"Study {self.name!r}: `steps` ({self.steps}) must be a multiple of "
                             f"`evaluations` ({self.evaluations}).")

    @classmethod
    def from_file(cls, path, **overrides):
        """Reads a spec from JSON; `overrides` (not `None`) replace its fields."""
        with open(path) as file:
            fields = json.load(file)
        known = {field.name for field in dataclasses.fields(cls)}
        unknown = sorted(set(fields) - known)
        if unknown:
            raise ValueError(f"Study specification {path} has unknown keys {unknown}; known: {sorted(known)}.")
        fields.update({key: value for key, value in overrides.items() if value is not None})
        return cls(**fields)

    def to_dict(self):
        return {field.name: _plain(getattr(self, field.name)) for field in dataclasses.fields(self)}


def _plain(value):
    return list(value) if isinstance(value, tuple) else value
