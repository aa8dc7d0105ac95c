"""The training state of a run, saved atomically at every epoch's end.

Keras's `BackupAndRestore` writes its weights and its epoch count in place, so an
interrupt during the write leaves a file that cannot be read (found by the fault
tests). Here each epoch's weights (with the optimizer's state) go to a new file, and
one small JSON names the last complete one, replaced in a single rename: an interrupt
at any moment leaves the previous state or the new one. That JSON also holds the random
state (the seed generators of noise and dropout, which weights files leave out), so a
resumed run draws what the uninterrupted run would have.
"""

import json
import math
import pathlib

import keras
import numpy as np

from relax_keras._files import ensure_room
from relax_keras._files import read_json_object
from relax_keras._files import write_atomically

STATE = "state.json"


class EpochBackup(keras.callbacks.Callback):
    """Saves the model's and optimizer's weights into `directory` after every epoch whose
    loss is finite (an epoch stopped by a NaN loss is not kept: a rerun resumes before it)."""

    def __init__(self, directory):
        super().__init__()
        self.directory = pathlib.Path(directory)

    def on_epoch_end(self, epoch, logs=None):
        if not math.isfinite((logs or {}).get("loss", 0.0)):
            return
        self.directory.mkdir(parents=True, exist_ok=True)
        name = f"epoch-{epoch + 1}.weights.h5"
        temporary = self.directory / f"partial-{name}"
        ensure_room(self.directory, saved_size(self.model))
        self.model.save_weights(temporary)
        temporary.replace(self.directory / name)
        random_state = [keras.ops.convert_to_numpy(v).tolist() for v in random_state_variables(self.model)]
        write_atomically(self.directory / STATE,
                         json.dumps({"epoch": epoch + 1, "weights": name, "random_state": random_state}))
        for old in self.directory.glob("*.weights.h5"):
            if old.name != name:
                old.unlink()


def random_state_variables(model):
    """The model's variables that are not weights: its seed generators' states."""
    weights = {id(variable) for variable in model.weights}
    return [variable for variable in model.variables if id(variable) not in weights]


def saved_size(model):
    """An upper estimate of the bytes of `model`'s weights file (optimizer state included)."""
    variables = list(model.variables) + (list(model.optimizer.variables) if model.optimizer else [])
    data = sum(keras.ops.convert_to_numpy(v).nbytes for v in variables)
    return data + 4096 * len(variables) + (1 << 16)


def restore(model, directory):
    """Loads the last complete backup in `directory` into `model` (built, compiled);
    returns the number of finished epochs (0 without a backup)."""
    state_path = pathlib.Path(directory) / STATE
    if not state_path.exists():
        return 0
    state = read_json_object(state_path)
    if not model.optimizer.built:
        model.optimizer.build(model.trainable_variables)
    model.load_weights(pathlib.Path(directory) / state["weights"])
    variables = random_state_variables(model)
    random_state = state.get("random_state", [])  # older backups lack it
    if len(random_state) == len(variables):
        for variable, value in zip(variables, random_state):
            variable.assign(np.asarray(value, dtype=variable.dtype))
    return state["epoch"]
