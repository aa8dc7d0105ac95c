"""The switched recurrence on TensorFlow, with a hand-written gradient.

TensorFlow's automatic gradient of the step loop writes one `(N, N)` weight gradient
per step and sums them into the bank afterwards. Here the backward loop carries only
the state gradient, and each weight set's gradient is one large matmul over all the
steps that used it, after the loop:

    dW[s] = sum over steps k with s(k) = s of h[k-1]^T dz[k]

computed by gathering those steps' rows into a `(L_W, capacity * B, N)` batch. The
activation's derivative is taken for all steps at once after the forward loop. That
is right only for a deterministic activation that acts on each unit alone (see
`relax_keras.activations.is_elementwise`); `ReLaXBlock` runs anything else with
automatic gradients.
"""

import tensorflow as tf

STEPS_PER_ITERATION = (8, 4, 2, 1)  # the loop bodies unroll the first that divides the steps
MOST_UNROLLED_PERIOD = 32  # longer schedules are not walked period by period


def switched_recurrence(activation, state, inputs, bank, weight_sets, capacity, keep_outputs,
                        schedule=None, unroll=False):
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
        schedule: one period of the schedule (Python ints) when the first step is at
            its start, or `None`. Given, and the steps are whole periods, the loop
            walks the schedule period by period with each step's set known when the
            graph is built: no per-step slicing of the bank.
        unroll: bool, whether to run every step in one loop iteration (the number of
            steps must be known when the graph is built).

    Returns:
        The last state `(B, N)` and, with `keep_outputs`, the states `(K, B, N)`.
    """

    @tf.custom_gradient
    def run(state, inputs, bank):
        steps = inputs.shape[0] or tf.shape(inputs)[0]
        per_iteration, walk = steps_per_iteration(steps, schedule, unroll)
        multiply = step_multiply(bank, weight_sets, schedule if walk else None)
        period = len(schedule) if walk else None
        step_inputs = tf.TensorArray(inputs.dtype, size=steps).unstack(inputs)

        def forward(k, j, carry):
            h, pre_activations = carry
            z = multiply(k, j % period if walk else None, h) + step_inputs.read(k)
            return activation(z), pre_activations.write(k, z)

        last, pre_activations = loop(
            forward, (state, tf.TensorArray(inputs.dtype, size=steps)), steps, per_iteration)
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

            def backward(i, j, carry):  # step k = steps - 1 - i, at (-1 - j) % period
                dh, dzs = carry
                k = steps - 1 - i
                if from_outputs is not None:
                    dh = dh + from_outputs.read(k)
                dz = dh * slopes.read(k)
                position = (-1 - j) % period if walk else None
                return multiply(k, position, dz, transpose=True), dzs.write(k, dz)

            d_state, dzs = loop(
                backward, (d_last, tf.TensorArray(z.dtype, size=steps)), steps, per_iteration)
            dz = dzs.stack()
            previous = tf.concat([state[None], all_states[:-1]], axis=0)
            return d_state, dz, set_gradients(previous, dz, weight_sets, bank.shape[0], capacity)

        if keep_outputs:
            return (last, states), lambda d_last, d_states: gradient(d_last, d_states)
        return last, gradient

    return run(state, inputs, bank)


def steps_per_iteration(steps, schedule, unroll=False):
    """Returns how many steps a loop iteration runs, and whether they are whole periods
    of `schedule` (so each step's set is known when the graph is built)."""
    if not isinstance(steps, int):
        return 1, False
    period = len(schedule) if schedule is not None else None
    if unroll:
        return steps, period is not None and steps % period == 0
    if period is not None and period <= MOST_UNROLLED_PERIOD and steps % period == 0:
        per_iteration = period
        while steps % (2 * per_iteration) == 0 and 2 * per_iteration <= max(STEPS_PER_ITERATION):
            per_iteration *= 2
        return per_iteration, True
    return next(u for u in STEPS_PER_ITERATION if steps % u == 0), False


def loop(step, carry, steps, per_iteration):
    """Runs `carry = step(k, j, carry)` for `k = 0 .. steps - 1` in a `tf.while_loop`,
    `per_iteration` steps per iteration (`j`: a step's place in its iteration)."""

    def body(i, carry):
        for j in range(per_iteration):
            carry = step(i * per_iteration + j, j, carry)
        return i + 1, carry

    iterations = steps // per_iteration
    return tf.while_loop(lambda i, _: i < iterations, body, (tf.constant(0), carry),
                         maximum_iterations=iterations)[1]


def step_multiply(bank, weight_sets, schedule):
    """Returns `(k, position, x, transpose) -> x @ W[s(k)]` (`x @ W[s(k)]^T` with
    `transpose`). With a `schedule`, step `k`'s set is `schedule[position]`, read from
    the bank's sets split once; otherwise it is sliced from the bank at each step."""
    if bank.shape[0] == 1:
        return lambda k, position, x, transpose=False: tf.matmul(x, bank[0], transpose_b=transpose)
    if schedule is not None:
        kernels = tf.unstack(bank)
        return lambda k, position, x, transpose=False: tf.matmul(
            x, kernels[schedule[position]], transpose_b=transpose)
    return lambda k, position, x, transpose=False: tf.matmul(
        x, bank[weight_sets[k]], transpose_b=transpose)


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
    # which step fills each (set, slot) row; `steps` (a zero row) where a set has fewer
    steps = tf.shape(weight_sets)[0]
    source = tf.tensor_scatter_nd_update(
        tf.fill([num_sets * capacity], steps), (weight_sets * capacity + slot)[:, None], tf.range(steps))

    def grouped(t):  # (L_W, capacity * B, N)
        padded = tf.concat([t, tf.zeros_like(t[:1])], axis=0)
        return tf.reshape(tf.gather(padded, source), (num_sets, -1, units))

    return tf.matmul(grouped(previous), grouped(dz), transpose_a=True)
