import keras
from keras import ops

from relax_keras._validation import non_negative


@keras.saving.register_keras_serializable(package="relax_keras")
class ProgrammingNoise(keras.layers.Layer):
    """Weight-programming noise: each weight set lands slightly off its target.

    Given to a `ReLaXBlock` as `weight_programming=[ProgrammingNoise(...)]`, it
    perturbs the weight bank and biases once per evaluation (every forward pass
    programs the L_W sets anew): `w * (1 + relative_stddev * e) + absolute_stddev * e'`,
    one draw per weight of every set.

    Args:
        relative_stddev: float >= 0, noise relative to each weight. Default: `0.0`.
        absolute_stddev: float >= 0, additive noise. Default: `0.0`.
        at_inference: bool, whether the noise is also on at inference.
            Default: `False`.
        seed: int or `None`.
    """

    def __init__(self, relative_stddev=0.0, absolute_stddev=0.0, at_inference=False,
                 seed=None, **kwargs):
        super().__init__(**kwargs)
        self.relative_stddev = non_negative("relative_stddev", relative_stddev)
        self.absolute_stddev = non_negative("absolute_stddev", absolute_stddev)
        self.at_inference = at_inference
        self.seed = seed
        self.seed_generator = keras.random.SeedGenerator(seed)

    def _perturb(self, weights):
        noise = lambda: keras.random.normal(  # noqa: E731
            ops.shape(weights), dtype=weights.dtype, seed=self.seed_generator)
        if self.relative_stddev:
            weights = weights * (1.0 + self.relative_stddev * noise())
        if self.absolute_stddev:
            weights = weights + self.absolute_stddev * noise()
        return weights

    def call(self, bank, bank_bias, training=None):
        if not (training or self.at_inference):
            return bank, bank_bias
        return self._perturb(bank), None if bank_bias is None else self._perturb(bank_bias)

    def get_config(self):
        return {
            **super().get_config(),
            "relative_stddev": self.relative_stddev,
            "absolute_stddev": self.absolute_stddev,
            "at_inference": self.at_inference,
            "seed": self.seed,
        }


@keras.saving.register_keras_serializable(package="relax_keras")
class Quantization(keras.layers.Layer):
    """Weights limited to `[-limit, limit]` and quantized to `bits` bits.

    Given to a `ReLaXBlock` as `weight_programming=[Quantization(...)]`, it maps the
    weight bank and biases to `2**bits` evenly spaced levels in `[-limit, limit]`, in
    training and inference. Gradients pass straight through the rounding (and the
    clipping), so training adapts the underlying float weights.

    Args:
        bits: int >= 1, bits per weight.
        limit: float > 0, the largest weight magnitude the device can hold.
            Default: `1.0`.
    """

    def __init__(self, bits, limit=1.0, **kwargs):
        if isinstance(bits, bool) or not isinstance(bits, int) or bits < 1:
            raise ValueError(
                f"Received an invalid value for argument `bits`, expected an integer "
                f">= 1, got {bits!r}."
            )
        if non_negative("limit", limit) == 0:
            raise ValueError("Received an invalid value for argument `limit`, expected a number > 0, got 0.")
        super().__init__(**kwargs)
        self.bits = bits
        self.limit = float(limit)

    def to_levels(self, weights):
        step = 2.0 * self.limit / (2**self.bits - 1)
        levels = ops.round((ops.clip(weights, -self.limit, self.limit) + self.limit) / step)
        quantized = levels * step - self.limit
        return weights + ops.stop_gradient(quantized - weights)

    def call(self, bank, bank_bias, training=None):
        return self.to_levels(bank), None if bank_bias is None else self.to_levels(bank_bias)

    def get_config(self):
        return {**super().get_config(), "bits": self.bits, "limit": self.limit}
