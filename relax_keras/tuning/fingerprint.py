"""A short fingerprint of the model semantics, to keep results of different code apart.

Two tiny fixed models (a static block and a sequence block, with random biases so that
every term of the step counts) are built from seed 0 and trained for 3 steps on fixed
data; their losses, rounded to 3 decimals so that float round-off across machines
and engines does not move them, are hashed. Code that computes the same model gives
the same fingerprint; a change of semantics (initialization, the step, the schedule,
the injection) changes it.
"""

import hashlib

import numpy as np

STEPS = 3
DECIMALS = 3


def semantics_fingerprint():
    """Returns `(fingerprint, losses)`: a 10-hex-digit digest and the rounded losses.

    Example:

    >>> fingerprint, losses = semantics_fingerprint()
    >>> len(fingerprint), len(losses)
    (10, 8)
    """
    import keras

    from relax_keras.layers.relax_block import ReLaXBlock

    rng = np.random.default_rng(0)
    cases = [
        (rng.standard_normal((16, 6)), dict(weight_sets=3, repeats=2, schedule="cyclic")),
        (rng.standard_normal((16, 5, 6)), dict(weight_sets=2, repeats=2, steps_per_input=2)),
    ]
    labels = rng.integers(0, 4, 16)
    losses = []
    for inputs, options in cases:
        keras.utils.set_random_seed(0)
        model = keras.Sequential([
            keras.Input(inputs.shape[1:]),
            ReLaXBlock(8, bias_initializer="random_normal", **options),
            keras.layers.Dense(4),
        ])
        model.compile(keras.optimizers.SGD(0.5),
                      keras.losses.SparseCategoricalCrossentropy(from_logits=True))
        inputs = inputs.astype("float32")
        losses.append(float(model.test_on_batch(inputs, labels)))
        for _ in range(STEPS):
            losses.append(float(model.train_on_batch(inputs, labels)))
    rounded = [round(loss, DECIMALS) for loss in losses]
    digest = hashlib.sha256(repr(rounded).encode()).hexdigest()[:10]
    return digest, rounded
