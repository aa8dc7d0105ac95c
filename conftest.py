"""Shared by the tests and the docstring examples: the Keras backend (TensorFlow unless
`KERAS_BACKEND` names another), quiet logs, the names the examples use without
importing them, and the skipping of TensorFlow-only tests on other backends."""

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
os.environ.setdefault("KERAS_BACKEND", "tensorflow")

import keras  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402


@pytest.fixture(autouse=True)
def doctest_names(doctest_namespace):
    from relax_keras import ReLaXBlock
    from relax_keras import SwitchCell

    doctest_namespace.update(np=np, keras=keras, ReLaXBlock=ReLaXBlock, SwitchCell=SwitchCell)
    keras.utils.set_random_seed(0)


def pytest_collection_modifyitems(config, items):
    """Tests marked `tensorflow` need the TensorFlow backend (tf.data, the fused engine,
    SavedModel and TFLite export, KerasTuner jobs): skipped, with the reason, on others."""
    if keras.backend.backend() == "tensorflow":
        return
    skip = pytest.mark.skip(reason=f"needs the TensorFlow backend, this run uses {keras.backend.backend()}")
    for item in items:
        if "tensorflow" in item.keywords:
            item.add_marker(skip)
