"""Initializers of a bank of weight sets: every set its own independent draw.

A Keras 3 random initializer returns the same values on every call (its seed is
fixed when it is made), so calling it once per set would start every set identical.
`bank_initializer` instead draws the whole bank `(L_W, *set_shape)` in one call, with
each set distributed as the initializer would draw a single set:

- `keras.initializers.Orthogonal`: one batched QR, so each set is orthogonal;
- `keras.initializers.VarianceScaling` (Glorot, He, LeCun): the scale computed from
  the fans of one set, not of the bank;
- other random initializers (`RandomNormal`, `RandomUniform`, `TruncatedNormal`):
  their element-wise draw over the whole bank;
- deterministic ones (`Zeros`, `Ones`, `Constant`, `Identity`): the same value in
  every set, as asked;
- any other initializer or callable: called once per set with the set's shape.

A seeded initializer gives the same bank, bit for bit, in every process.
"""

import math

import keras
from keras import ops

DETERMINISTIC = (
    keras.initializers.Zeros,
    keras.initializers.Ones,
    keras.initializers.Constant,
    keras.initializers.Identity,
)


def bank_initializer(initializer):
    """Returns an initializer of a `(L_W, *set_shape)` bank drawing each set independently.

    Args:
        initializer: a Keras initializer (object) or a callable `(shape, dtype)`.

    Example:

    >>> initialize = bank_initializer(keras.initializers.get("orthogonal"))
    >>> bank = keras.ops.convert_to_numpy(initialize((3, 4, 4)))
    >>> bool(np.allclose(bank[1] @ bank[1].T, np.eye(4), atol=1e-5))
    True
    >>> bool(np.abs(bank[0] - bank[1]).max() > 0)
    True
    """

    def initialize(shape, dtype=None):
        sets, set_shape = shape[0], tuple(shape[1:])
        if isinstance(initializer, keras.initializers.Orthogonal):
            return _orthogonal_bank(initializer, sets, set_shape, dtype)
        if isinstance(initializer, keras.initializers.VarianceScaling):
            # Keras scales by the fans of the shape it is given: those of the bank are
            # `sets` times those of one set (or other), so correct the scale.
            ratio = _fan(shape, initializer.mode) / _fan(set_shape, initializer.mode)
            per_set = keras.initializers.VarianceScaling(
                scale=initializer.scale * ratio,
                mode=initializer.mode,
                distribution=initializer.distribution,
                seed=initializer.seed,
            )
            return per_set(shape, dtype=dtype)
        if isinstance(initializer, DETERMINISTIC):
            # a copy per set, not a broadcast view: PyTorch cannot update a view in place
            one = ops.expand_dims(initializer(set_shape, dtype=dtype), 0)
            return ops.tile(one, (sets,) + (1,) * len(set_shape))
        if isinstance(initializer, keras.initializers.RandomNormal | keras.initializers.RandomUniform
                      | keras.initializers.TruncatedNormal):
            return initializer(shape, dtype=dtype)
        return ops.stack([initializer(set_shape, dtype=dtype) for _ in range(sets)])

    return initialize


def _orthogonal_bank(initializer, sets, set_shape, dtype):
    if len(set_shape) != 2:
        raise ValueError(
            "Received an invalid value for the initializer: `orthogonal` needs 2D weight "
            f"sets, got sets of shape {set_shape}."
        )
    rows, columns = set_shape
    # in float32: QR has no half-precision kernel on every backend (bfloat16)
    normal = keras.random.normal(
        (sets, max(rows, columns), min(rows, columns)), seed=initializer.seed, dtype="float32")
    q, r = ops.qr(normal)  # one QR per set
    q = q * ops.expand_dims(ops.sign(ops.diagonal(r, axis1=-2, axis2=-1)), -2)
    if rows < columns:
        q = ops.transpose(q, (0, 2, 1))
    return ops.cast(initializer.gain * q, dtype or "float32")


def _fan(shape, mode):
    """The fan Keras's `VarianceScaling` divides by, for `shape` and `mode`."""
    if len(shape) == 0:
        fan_in = fan_out = 1
    elif len(shape) == 1:
        fan_in = fan_out = shape[0]
    else:
        receptive_field = math.prod(shape[:-2])
        fan_in, fan_out = shape[-2] * receptive_field, shape[-1] * receptive_field
    fans = {"fan_in": fan_in, "fan_out": fan_out, "fan_avg": (fan_in + fan_out) / 2}
    return max(1.0, fans[mode])
