import keras
from keras import ops

from relax_keras import activations
from relax_keras._validation import non_negative


@keras.saving.register_keras_serializable(package="relax_keras")
class NodeNoise(keras.layers.Layer):
    """A node nonlinearity with Gaussian noise, used as a block's `activation`.

    Wraps an activation `phi` and adds node noise to its output at every switched
    step: `phi(z) * (1 + multiplicative_stddev * e1) + additive_stddev * e2` with
    `e1, e2 ~ N(0, 1)` drawn anew for every node and step. The noise is on during
    training and, with `at_inference=True`, at inference too (to measure robustness).

    Args:
        activation: the wrapped activation (name or callable). Default: `"tanh"`.
        additive_stddev: float >= 0, additive noise level. Default: `0.0`.
        multiplicative_stddev: float >= 0, multiplicative noise level. Default: `0.0`.
        at_inference: bool, whether the noise is also on at inference.
            Default: `False`.
        seed: int or `None`, the noise seed.

    Example:

    >>> block = ReLaXBlock(64, 4, 2, activation=NodeNoise("sin2", additive_stddev=0.05))
    """

    def __init__(self, activation="tanh", additive_stddev=0.0, multiplicative_stddev=0.0,
                 at_inference=False, seed=None, **kwargs):
        additive_stddev = non_negative("additive_stddev", additive_stddev)
        multiplicative_stddev = non_negative("multiplicative_stddev", multiplicative_stddev)
        super().__init__(**kwargs)
        self.activation = activations.get(activation)
        self.additive_stddev = additive_stddev
        self.multiplicative_stddev = multiplicative_stddev
        self.at_inference = at_inference
        self.seed = seed
        self.seed_generator = keras.random.SeedGenerator(seed)

    def call(self, inputs, training=None):
        if not self.is_noisy(training):
            return self.activation(inputs)
        return self.apply_noise(inputs, self.draw_noise(ops.shape(inputs), inputs.dtype))

    def is_noisy(self, training):
        """Whether the noise is on in this call."""
        return bool((training or self.at_inference) and (self.additive_stddev or self.multiplicative_stddev))

    def draw_noise(self, shape, dtype):
        """Draws the standard normal noise `(e1, e2)` of the nodes, each of `shape`.

        A block draws every step's noise at once, before its loop: a symbolic loop
        (`lax.scan` on JAX) cannot advance the seed generator inside its body.
        """
        return (keras.random.normal(shape, dtype=dtype, seed=self.seed_generator),
                keras.random.normal(shape, dtype=dtype, seed=self.seed_generator))

    def scale_and_shift(self, noise):
        """Returns the node noise `noise = (e1, e2)` of `draw_noise` as `(scale, shift)`,
        the noisy output being `phi(z) * scale + shift`; `None` for a level that is 0."""
        multiplicative, additive = noise
        scale = 1.0 + self.multiplicative_stddev * multiplicative if self.multiplicative_stddev else None
        shift = self.additive_stddev * additive if self.additive_stddev else None
        return scale, shift

    def apply_noise(self, inputs, noise):
        """Returns `phi(inputs)` with the node noise `noise = (e1, e2)` of `draw_noise`."""
        return scaled_and_shifted(self.activation(inputs), *self.scale_and_shift(noise))

    def get_config(self):
        return {
            **super().get_config(),
            "activation": keras.activations.serialize(self.activation),
            "additive_stddev": self.additive_stddev,
            "multiplicative_stddev": self.multiplicative_stddev,
            "at_inference": self.at_inference,
            "seed": self.seed,
        }


def scaled_and_shifted(outputs, scale, shift):
    """Returns `outputs * scale + shift`, leaving out a term that is `None`."""
    if scale is not None:
        outputs = outputs * scale
    if shift is not None:
        outputs = outputs + shift
    return outputs
