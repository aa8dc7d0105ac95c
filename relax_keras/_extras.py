"""Optional dependencies: imported where used, with the extra that installs them named.

The core install (`pip install relax-keras`) needs TensorFlow, Keras and NumPy only;
`[data]` adds tfds and SciPy (SVHN's .mat files), `[tuning]` KerasTuner, scikit-learn
and SciPy, `[plots]` matplotlib and TensorBoard, and `[test]` all of them.
"""

import importlib
import importlib.util

EXTRAS = {
    "tensorflow_datasets": "data",
    "scipy": "data",
    "keras_tuner": "tuning",
    "sklearn": "tuning",
    "matplotlib": "plots",
    "tensorboard": "plots",
}


def available(module):
    """Whether `module` can be imported."""
    return importlib.util.find_spec(module) is not None


def require(module, purpose):
    """Imports `module`, or raises `ImportError` naming the extra that installs it.

    Example:

    >>> require("json", "reading JSON").__name__
    'json'
    >>> require("matplotlib_x", "plotting")
    Traceback (most recent call last):
    ...
    ImportError: plotting needs the Python package `matplotlib_x`, which is not installed: ...
    """
    try:
        return importlib.import_module(module)
    except ImportError:
        extra = EXTRAS.get(module.split(".")[0])
        how = f"pip install 'relax-keras[{extra}]'" if extra else f"pip install {module}"
        raise ImportError(f"{purpose} needs the Python package `{module}`, which is not installed: {how}.") from None
