"""KerasTuner's state files, written so that a kill never leaves half of one.

KerasTuner writes `oracle.json`, each `trial_*/trial.json` and each tuner's file in
place, all through one function, `keras_tuner.src.utils.save_json` (called by the public
`Stateful.save`): a process killed while writing leaves the file empty or cut, and the
rerun that should resume the search cannot read it. KerasTuner has no public hook for
how its state is written, so `write_state_whole` replaces that one function with one
that writes through a temporary file and a rename. It is the package's only use of a
private KerasTuner name; `tests/test_tuning_state.py` fails if KerasTuner stops writing
its state through it.
"""

import json
import pathlib

from keras_tuner.src import utils as keras_tuner_utils

from relax_keras._files import write_atomically

_stock_save_json = keras_tuner_utils.save_json


def _save_json_whole(path, obj):
    if "://" in str(path):  # a remote file system (gs://, ...): KerasTuner's own writer
        return _stock_save_json(path, obj)
    text = json.dumps(obj)
    write_atomically(path, text)
    return text


def write_state_whole():
    """Makes KerasTuner write every state file of this process whole (idempotent)."""
    keras_tuner_utils.save_json = _save_json_whole


class WholeState:
    """Mixin for a `keras_tuner.Oracle` subclass: its state files are written whole
    (`write_state_whole`)."""

    def __init__(self, *args, **kwargs):
        write_state_whole()
        super().__init__(*args, **kwargs)


class WholeTunerState(WholeState):
    """Mixin for a `keras_tuner.Tuner` subclass: its search's state files are written
    whole, and a resume that finds files an older run left cut names them."""

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
