"""The shipped weights: the presets of `relax_keras.zoo.PRESETS` that have weights,
checked by sha256 at load."""

import hashlib
import pathlib

from relax_keras.zoo.presets import PRESET_ALIASES
from relax_keras.zoo.presets import PRESETS

WEIGHTS_DIR = pathlib.Path(__file__).parent / "weights"

# name -> its preset record, for the presets that ship weights
PRETRAINED = {name: record for name, record in PRESETS.items() if record["weights"]}


def pretrained_name(weights):
    """Returns the preset name of named weights (an alias resolved), or `None`."""
    name = PRESET_ALIASES.get(weights, weights) if isinstance(weights, str) else None
    return name if name in PRETRAINED else None


def pretrained_config(weights, builder):
    """Returns the architecture of the named weights, checking they belong to `builder`."""
    name = pretrained_name(weights)
    if name is None or PRETRAINED[name]["builder"].__name__ != builder:
        names = [name for name, entry in PRETRAINED.items() if entry["builder"].__name__ == builder]
        raise ValueError(
            f"Received an invalid value for argument `weights`, expected None, a path to "
            f"a .weights.h5 file, or one of {names} for `{builder}`, got {weights!r}."
        )
    return dict(PRETRAINED[name]["config"])


def pretrained_path(weights):
    """Returns the checked path of the named weights' file."""
    entry = PRETRAINED[pretrained_name(weights)]["weights"]
    path = WEIGHTS_DIR / entry["file"]
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    if digest != entry["sha256"]:
        raise ValueError(
            f"The pretrained weights {weights!r} at {path} are damaged: sha256 {digest}, "
            f"expected {entry['sha256']}. Reinstall relax-keras."
        )
    return path
