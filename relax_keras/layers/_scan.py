"""The step loop of a ReLaX block: `keras.ops.scan` semantics, fast on TensorFlow."""

import keras
from keras import ops


def scan(step, init, xs, length, unroll=False, keep_outputs=True):
    """Runs `carry, y = step(carry, x)` over the leading axis of `xs`.

    Same contract as `keras.ops.scan` (returns the last carry and the stacked `y`s).
    On TensorFlow it is a `tf.while_loop` with `maximum_iterations` (so XLA compiles
    it) and one TensorArray per input and output, cheaper than Keras's generic
    `scan`, or unrolled, a Python loop (Keras's `scan` with `unroll` keeps a loop whose
    gradient XLA cannot compile); on other backends it is `keras.ops.scan`.

    Args:
        step: callable `(carry, x) -> (carry, y)`; `y` has the shape of `carry`.
        init: the first carry, a tensor.
        xs: a tensor or tuple of tensors with leading axis `length`.
        length: int or scalar tensor, the number of steps.
        unroll: bool, whether to unroll the loop in Python (`length` must be an int).
        keep_outputs: bool; with `False` the `y`s are not kept (TensorFlow) and
            `None` is returned in their place.
    """
    if keras.backend.backend() != "tensorflow":
        carry, ys = ops.scan(step, init, xs, length=length if isinstance(length, int) else None,
                             unroll=unroll)
        return carry, ys if keep_outputs else None
    import tensorflow as tf

    if unroll:
        carry, ys = init, []
        for k in range(length):
            carry, y = step(carry, tf.nest.map_structure(lambda x: x[k], xs))
            ys.append(y)
        return carry, tf.stack(ys) if keep_outputs else None

    flat_xs = tf.nest.flatten(xs)
    inputs = [tf.TensorArray(x.dtype, size=length).unstack(x) for x in flat_xs]
    outputs = [tf.TensorArray(init.dtype, size=length)] if keep_outputs else []

    def body(k, carry, *outputs):
        x = tf.nest.pack_sequence_as(xs, [array.read(k) for array in inputs])
        carry, y = step(carry, x)
        return (k + 1, carry, *(array.write(k, y) for array in outputs))

    _, carry, *outputs = tf.while_loop(
        lambda k, *_: k < length, body, (tf.constant(0), init, *outputs),
        maximum_iterations=length,
    )
    return carry, outputs[0].stack() if keep_outputs else None
