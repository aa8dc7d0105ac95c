"""The switched recurrence on TensorFlow, with a hand-written gradient.

TensorFlow's automatic gradient of the step loop writes one `(N, N)` weight gradient
per step and sums them into the bank afterwards. Here the backward loop carries only
the state gradient, and each weight set's gradient is one large matmul over all the
steps that used it, after the loop:

    dW[s] = sum over steps k with s(k) = s of h[k-1]^T dz[k]

computed by gathering those steps' rows into a `(L_W, capacity * B, N)` batch. The
activation's derivative is taken for all steps at once after the forward loop, so any
deterministic elementwise activation works.
"""

import tensorflow as tf


def switched_recurrence(activation, state, inputs, bank, weight_sets, capacity, keep_outputs):
    """Runs `h[k+1] = activation(h[k] @ bank[weight_sets[k]] + inputs[k])` over `k`.

    Args:
        activation: a deterministic elementwise function.
        state: `(B, N)`, the first state.
        inputs: `(K, B, N)`, what each step adds before the activation.
        bank: `(L_W, N, N)`, the weight sets.
        weight_sets: `(K,)` int32, the set of each step.
        capacity: int or `None`, the most steps any one set takes (`None`: counted at
            run time; an int keeps every shape static for XLA).
        keep_outputs: bool, whether to return every step's state too.

    Returns:
        The last state `(B, N)` and, with `keep_outputs`, the states `(K, B, N)`.
    """

    @tf.custom_gradient
    def run(state, inputs, bank):
        steps = inputs.shape[0] or tf.shape(inputs)[0]
        kernel = step_kernels(bank, weight_sets)
        step_inputs = tf.TensorArray(inputs.dtype, size=steps).unstack(inputs)

        def forward(k, h, pre_activations):
            z = tf.matmul(h, kernel(k)) + step_inputs.read(k)
            return k + 1, activation(z), pre_activations.write(k, z)

        _, last, pre_activations = tf.while_loop(
            lambda k, *_: k < steps, forward,
            (tf.constant(0), state, tf.TensorArray(inputs.dtype, size=steps)),
            maximum_iterations=steps,
        )
        z = pre_activations.stack()  # (K, B, N)
        states = activation(z) if keep_outputs else None

        def gradient(d_last, d_states=None):
            if d_last is None:  # only the states were used
                d_last = tf.zeros_like(state)
            with tf.GradientTape() as tape:
                tape.watch(z)
                all_states = activation(z)
            slopes = tf.TensorArray(z.dtype, size=steps).unstack(tape.gradient(all_states, z))
            from_outputs = None
            if d_states is not None:
                from_outputs = tf.TensorArray(z.dtype, size=steps).unstack(d_states)

            def backward(i, dh, dzs):
                k = steps - 1 - i
                if from_outputs is not None:
                    dh = dh + from_outputs.read(k)
                dz = dh * slopes.read(k)
                return i + 1, tf.matmul(dz, kernel(k), transpose_b=True), dzs.write(k, dz)

            _, d_state, dzs = tf.while_loop(
                lambda i, *_: i < steps, backward,
                (tf.constant(0), d_last, tf.TensorArray(z.dtype, size=steps)),
                maximum_iterations=steps,
            )
            dz = dzs.stack()
            previous = tf.concat([state[None], all_states[:-1]], axis=0)
            return d_state, dz, set_gradients(previous, dz, weight_sets, bank.shape[0], capacity)

        if keep_outputs:
            return (last, states), lambda d_last, d_states: gradient(d_last, d_states)
        return last, gradient

    return run(state, inputs, bank)


def step_kernels(bank, weight_sets):
    """Returns `k -> bank[weight_sets[k]]` for the loop bodies: the active set is read
    from the bank at each step (cheaper than a `(K, N, N)` sequence of kernels)."""
    if bank.shape[0] == 1:
        only = bank[0]
        return lambda k: only
    return lambda k: tf.gather(bank, weight_sets[k])


def set_gradients(previous, dz, weight_sets, num_sets, capacity):
    """Returns `dW (L_W, N, N)`: per set, `previous^T dz` over the steps that used it."""
    units = previous.shape[-1]
    if num_sets == 1:
        flat = lambda t: tf.reshape(t, (-1, units))
        return tf.matmul(flat(previous), flat(dz), transpose_a=True)[None]
    # the slot of each step among the steps of its set: 0, 1, 2, ...
    seen = tf.cumsum(tf.one_hot(weight_sets, num_sets, dtype=tf.int32), axis=0)
    slot = tf.gather(seen, weight_sets[:, None], batch_dims=1)[:, 0] - 1
    if capacity is None:
        capacity = tf.reduce_max(slot) + 1
    index = tf.stack([weight_sets, slot], axis=1)
    shape = tf.stack([num_sets, capacity, tf.shape(previous)[1], units])

    def grouped(t):  # (L_W, capacity * B, N), zero rows where a set has fewer steps
        return tf.reshape(tf.scatter_nd(index, t, shape), (num_sets, -1, units))

    return tf.matmul(grouped(previous), grouped(dz), transpose_a=True)
