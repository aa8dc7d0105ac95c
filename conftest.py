"""Shared by the tests and the docstring examples: TensorFlow backend, quiet logs, and
the names the examples use without importing them."""

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
