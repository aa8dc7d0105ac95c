"""Keras activations for physical nodes: `"sin2"` and `"saturable_absorber"`.

Importing this module registers them, so `ReLaXBlock(..., activation="sin2")` works
and models using them save and load. The curves are in `relax_keras.physics`.
"""

import keras
from keras import ops

from relax_keras import physics


@keras.saving.register_keras_serializable(package="relax_keras")
def sin2(x):
    """Interferometric node: `sin(x)**2`."""
    return physics.sin2(ops.convert_to_tensor(x), ops)


@keras.saving.register_keras_serializable(package="relax_keras")
def saturable_absorber(x):
    """Saturable absorber: `x * exp(-1 / (1 + x**2))`."""
    return physics.saturable_absorber(ops.convert_to_tensor(x), ops)


PHYSICAL_ACTIVATIONS = {"sin2": sin2, "saturable_absorber": saturable_absorber}

# Keras's activations that act on each unit alone (not softmax, log_softmax, sparsemax,
# glu: they mix units). Only these may run with the hand-written gradient.
KERAS_ELEMENTWISE = (
    "celu", "elu", "exponential", "gelu", "hard_shrink", "hard_sigmoid", "hard_silu",
    "hard_tanh", "leaky_relu", "linear", "log_sigmoid", "mish", "relu", "relu6", "selu",
    "sigmoid", "silu", "soft_shrink", "softplus", "softsign", "sparse_plus",
    "sparse_sigmoid", "squareplus", "tanh", "tanh_shrink",
)
ELEMENTWISE = frozenset(
    [getattr(keras.activations, name) for name in KERAS_ELEMENTWISE if hasattr(keras.activations, name)]
    + list(PHYSICAL_ACTIVATIONS.values())
)


def get(identifier):
    """Returns an activation: a physical one by name, else `keras.activations.get`."""
    if isinstance(identifier, str) and identifier in PHYSICAL_ACTIVATIONS:
        return PHYSICAL_ACTIVATIONS[identifier]
    try:
        return keras.activations.get(identifier)
    except ValueError as error:
        raise ValueError(
            f"Received an invalid value for argument `activation`, expected a callable, a Keras "
            f"activation's name or one of {sorted(PHYSICAL_ACTIVATIONS)}, got {identifier!r}."
        ) from error


def is_elementwise(activation):
    """Whether `activation` is known to act on each unit alone, deterministically."""
    try:
        return activation in ELEMENTWISE
    except TypeError:  # unhashable callables
        return False
