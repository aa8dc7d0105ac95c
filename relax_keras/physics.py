"""Physical nonlinearities, written once for NumPy and for `keras.ops`.

Each function takes the array namespace as `backend` (`numpy` or `keras.ops`), so
the Keras activations (`relax_keras.activations`) and the NumPy hardware reference
(`relax_keras.hardware`) compute the same curve. Pure Python: no TensorFlow import.
"""

import numpy as np

SATURATION = 1.0  # saturable absorber: the input at which absorption halves


def sin2(x, backend=np):
    """Interferometric node (Mach-Zehnder): `sin(x)**2`."""
    return backend.square(backend.sin(x))


def saturable_absorber(x, backend=np, absorption=1.0):
    """Saturable absorber: `x * exp(-absorption / (1 + x**2 / SATURATION))`.

    Weak signals are absorbed (slope `exp(-absorption)` at 0), strong ones pass,
    so the curve is odd and steepens with amplitude.
    """
    return x * backend.exp(-absorption / (1.0 + backend.square(x) / SATURATION))


def sigmoid(x, backend=np):
    return 1.0 / (1.0 + backend.exp(-x))


def relu(x, backend=np):
    return backend.maximum(x, 0.0)


def tanh(x, backend=np):
    return backend.tanh(x)


def linear(x, backend=np):
    return x


def softmax(x, backend=np):
    shifted = x - backend.max(x, axis=-1, keepdims=True)
    exponentials = backend.exp(shifted)
    return exponentials / backend.sum(exponentials, axis=-1, keepdims=True)


NONLINEARITIES = {
    function.__name__: function
    for function in (sin2, saturable_absorber, sigmoid, relu, tanh, linear, softmax)
}
