"""relax-keras: ReLaX-Nets (reused layers through fast weight switches) in Keras 3.

The Keras parts are imported on first use, so that the NumPy-only parts
(`relax_keras.hardware`, `relax_keras.schedules`, `relax_keras.budget`) work
without TensorFlow.
"""

import importlib

__version__ = "0.2.0.dev0"

__all__ = ["ReLaXBlock", "SwitchCell", "load_model"]

_LAZY_ATTRIBUTES = {
    "ReLaXBlock": "relax_keras.layers.relax_block",
    "SwitchCell": "relax_keras.layers.switch_cell",
    "load_model": "relax_keras.saving",
}


def __getattr__(name):
    if name in _LAZY_ATTRIBUTES:
        return getattr(importlib.import_module(_LAZY_ATTRIBUTES[name]), name)
    raise AttributeError(f"module 'relax_keras' has no attribute {name!r}")


def __dir__():
    return sorted([*globals(), *_LAZY_ATTRIBUTES])
