"""Pretrained weights shipped inside the package, checked by sha256 at load."""

import hashlib
import pathlib

WEIGHTS_DIR = pathlib.Path(__file__).parent / "weights"

# name -> the constructor it belongs to, the exact architecture it was trained with,
# its file in `relax_keras/zoo/weights/` and the file's sha256. Model cards: `zoo/`.
PRETRAINED = {
    "tiny_shakespeare": {
        "builder": "shakespeare_relax",
        "card": "zoo/shakespeare_relax_tiny_shakespeare.md",
        "file": "shakespeare_relax_tiny_shakespeare.weights.h5",
        "sha256": "6d9226cc010cdbfe062eade0f28fffd7d9addd23edb928a019845cbaaedb9c82",
        "config": {
            "embedding_dim": 48, "weight_sets": 2, "repeats": 1, "schedule": "blocked",
            "units": 300, "activation": "tanh", "input_injection": "every",
            "steps_per_input": None, "dropout": 0.0,
        },
    },
    "mnist": {
        "builder": "image_relax",
        "card": "zoo/image_relax_mnist.md",
        "file": "image_relax_mnist.weights.h5",
        "sha256": "98404046ddf967be0fa3590c6f7af5077015930fb457f15dd01a3ac735590163",
        "config": {
            "encoding": "flat", "weight_sets": 2, "repeats": 2, "schedule": "blocked",
            "units": 100, "activation": "tanh", "input_injection": "every",
            "steps_per_input": None, "augmentation": 0.1,
        },
    },
}


def pretrained_config(weights, builder):
    """Returns the architecture of the named weights, checking they belong to `builder`."""
    if weights not in PRETRAINED or PRETRAINED[weights]["builder"] != builder:
        names = [name for name, entry in PRETRAINED.items() if entry["builder"] == builder]
        raise ValueError(
            f"Received an invalid value for argument `weights`, expected None, a path to "
            f"a .weights.h5 file, or one of {names} for `{builder}`, got {weights!r}."
        )
    return dict(PRETRAINED[weights]["config"])


def pretrained_path(weights):
    """Returns the checked path of the named weights' file."""
    entry = PRETRAINED[weights]
    path = WEIGHTS_DIR / entry["file"]
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    if digest != entry["sha256"]:
        raise ValueError(
            f"The pretrained weights {weights!r} at {path} are damaged: sha256 {digest}, "
            f"expected {entry['sha256']}. Reinstall relax-keras."
        )
    return path
