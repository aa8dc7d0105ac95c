"""KerasTuner's state files, written so that a kill never leaves half of one.

KerasTuner writes `oracle.json`, `trial_*/trial.json` and the tuner's own file in
place: a process killed while writing one leaves it empty or cut, and the rerun that
should resume the search cannot read it. These mixins write each through a temporary
file and a rename (`relax_keras._files.write_atomically`).
"""

import json
import os
import pathlib

from relax_keras._files import write_atomically


class AtomicOracleState:
    """Mixin for a `keras_tuner.Oracle`: its state files whole."""

    def save(self):
        write_atomically(self._get_oracle_fname(), json.dumps(self.get_state()))

    def _save_trial(self, trial):
        write_atomically(os.path.join(self._get_trial_dir(trial.trial_id), "trial.json"),
                         json.dumps(trial.get_state()))


class AtomicTunerState:
    """Mixin for a `keras_tuner.Tuner`: its own state file whole, and a clear error
    naming the files an older run left cut."""

    def save(self):
        if not self._is_worker():
            self.oracle.save()
        write_atomically(self._get_tuner_fname(), json.dumps(self.get_state()))

    def reload(self):
        try:
            super().reload()
        except json.JSONDecodeError as error:
            cut = [str(path) for path in sorted(pathlib.Path(self.project_dir).glob("**/*.json"))
                   if not _parses(path)]
            raise ValueError(f"The search cannot resume: its state files {cut} are empty or cut "
                             "(a process was killed while writing them).") from error


def _parses(path):
    try:
        json.loads(path.read_text())
    except ValueError:
        return False
    return True


def atomic_state(tuner_class):
    """Returns a subclass of a stock KerasTuner tuner (`keras_tuner.RandomSearch`, ...)
    whose tuner and oracle write their state files whole. The stock tuners build their
    oracle inside `__init__`, so the oracle gets the mixin once it is built."""

    class Tuner(AtomicTunerState, tuner_class):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            oracle_class = type(self.oracle)
            self.oracle.__class__ = type(oracle_class.__name__, (AtomicOracleState, oracle_class), {})

    Tuner.__name__ = Tuner.__qualname__ = tuner_class.__name__
    return Tuner
