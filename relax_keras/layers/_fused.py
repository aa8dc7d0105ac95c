"""The switched recurrence on TensorFlow, with a hand-written gradient.

TensorFlow's automatic gradient of the step loop writes one `(N, N)` weight gradient
per step and sums them into the bank afterwards. Here the backward loop adds each
step's term to its set's gradient,

    dW[s] = sum over steps k with s(k) = s of h[k] ^T dz[k]

where the set of each step is known when the graph is built (the schedule walked
period by period); otherwise each set's gradient is one large matmul after the loop,
over a `(L_W, capacity * B, N)` batch gathered from the steps that used it. The
loops keep each step's state and pre-activation in tensor lists (no copies), and the
backward loop takes the activation's derivative step by step (for tanh and sigmoid
from the stored state, as TensorFlow's own gradients do, without recomputing them). That is right only for
an activation that acts on each unit alone (see `relax_keras.activations.is_elementwise`),
deterministically or with node noise drawn before the loop (`NodeNoise`: the state is
`activation(z) * scale + shift`); `ReLaXBlock` runs anything else with automatic
gradients. Where the derivative comes from the state, the pre-activations are not kept
(with noise, the noiseless outputs are kept instead).

On a CPU the batch runs as one independent chain of steps per core (`batch_groups`):
a step's small matrix product does not keep two cores busy, and TensorFlow's executor
runs the chains side by side (the recurrence's forward and backward 1.16-1.18x faster
at batch 256, N 128 on 2 cores; `benchmarks/README.md`).
"""

import os

import tensorflow as tf

from relax_keras.layers.node_noise import scaled_and_shifted

STEPS_PER_ITERATION = (8, 4, 2, 1)  # the loop bodies unroll the first that divides the steps
MOST_UNROLLED_PERIOD = 32  # longer schedules are not walked period by period
MOST_GROUPS = 4  # independent chains of steps per batch, at most
LEAST_ROWS_PER_GROUP = 32


def switched_recurrence(activation, state, bank, weight_sets, capacity, keep_outputs,
                        inputs=None, bias=None, noise=(None, None), schedule=None, unroll=False):
    """Runs `h[k+1] = activation(h[k] @ bank[s(k)] + inputs[k] + bias[s(k)])` over the
    steps `k`, where `s(k) = weight_sets[k]`, times `scale[k]` plus `shift[k]` with node
    noise.

    Args:
        activation: a deterministic elementwise function.
        state: `(B, N)`, the first state.
        bank: `(L_W, N, N)`, the weight sets.
        weight_sets: `(K,)` int32, the set of each step.
        capacity: int or `None`, the most steps any one set takes (`None`: counted at
            run time; an int keeps every shape static for XLA).
        keep_outputs: bool, whether to return every step's state too.
        inputs: what each step adds before the activation: `(K, B, N)`, one step each;
            `(B, N)`, the same at every step; or `None`, nothing.
        bias: `(L_W, N)`, the bias of each weight set, or `None`.
        noise: `(scale, shift)`, each `(K, B, N)` or `None`: node noise drawn before
            the loop (`NodeNoise.scale_and_shift`), not differentiated.
        schedule: one period of the schedule (Python ints) when the first step is at
            its start, or `None`. Given, and the steps are whole periods, the loop
            walks the schedule period by period with each step's set known when the
            graph is built: no per-step slicing of the bank.
        unroll: bool, whether to run every step in one loop iteration (the number of
            steps must be known when the graph is built).

    Returns:
        The last state `(B, N)` and, with `keep_outputs`, the states `(K, B, N)`.
    """
    groups = batch_groups(state)
    if groups > 1:  # independent chains of steps, one per core: the executor runs them side by side
        parts = lambda t, axis: [None] * groups if t is None else split_batch(t, groups, axis)
        inputs_axis = 1 if inputs is not None and inputs.shape.rank == 3 else 0
        results = [
            one_recurrence(activation, part_state, bank, weight_sets, capacity, keep_outputs,
                           part_inputs, bias, part_noise, schedule, unroll)
            for part_state, part_inputs, *part_noise in zip(
                parts(state, 0), parts(inputs, inputs_axis), *(parts(t, 1) for t in noise))
        ]
        if keep_outputs:
            return (tf.concat([last for last, _ in results], 0), tf.concat([states for _, states in results], 1))
        return tf.concat(results, 0)
    return one_recurrence(activation, state, bank, weight_sets, capacity, keep_outputs, inputs, bias,
                          noise, schedule, unroll)


def batch_groups(state):
    """How many independent chains the batch of `state` is run as: one per CPU core
    (at most `MOST_GROUPS`, and at least `LEAST_ROWS_PER_GROUP` rows each where the
    batch size is known), one on a GPU, whose kernels are wide enough alone."""
    if tf.config.list_logical_devices("GPU"):
        return 1
    groups = min(len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1,
                 MOST_GROUPS)
    if state.shape[0] is not None:
        groups = min(groups, state.shape[0] // LEAST_ROWS_PER_GROUP)
    return max(groups, 1)


def split_batch(t, groups, axis):
    """`t` split along `axis` into `groups` parts of sizes differing by at most one."""
    size = t.shape[axis] if t.shape[axis] is not None else tf.shape(t)[axis]
    bounds = [size * g // groups for g in range(groups + 1)]
    return tf.split(t, [bounds[g + 1] - bounds[g] for g in range(groups)], axis=axis, num=groups)


def one_recurrence(activation, state, bank, weight_sets, capacity, keep_outputs, inputs, bias, noise,
                   schedule, unroll):
    """`switched_recurrence` over the whole batch of `state` as one chain of steps."""
    steps = step_count(weight_sets)
    per_iteration, walk = steps_per_iteration(steps, schedule, unroll)
    walked = schedule if walk else None

    @tf.custom_gradient
    def run(state, bank, *given):  # `inputs` and `bias` are differentiated too, when given
        last, kept, states = forward_loop(
            activation, state, bank, weight_sets, inputs, bias, noise, walked, per_iteration)

        def gradient(d_last, d_states=None):
            if d_last is None:  # only the states were used
                d_last = tf.zeros_like(state)
            grads = backward_loop(activation, kept, states, bank, weight_sets, inputs, bias, noise,
                                  d_last, d_states, walked, per_iteration, capacity)
            return [g for g in grads if g is not None]

        if keep_outputs:
            outputs = states.gather(tf.range(1, steps + 1))
            return (last, outputs), lambda d_last, d_states: gradient(d_last, d_states)
        return last, gradient

    return run(state, bank, *[t for t in (inputs, bias) if t is not None])


def derivative_from_output(activation):
    """TensorFlow's kernel `(y, dy) -> dz` that takes `activation`'s derivative from its
    output `y = activation(z)` (as TensorFlow's own gradients of tanh and sigmoid do),
    or `None` where the backward loop recomputes the activation under a tape."""
    import keras

    kernels = {keras.activations.tanh: tf.raw_ops.TanhGrad, keras.activations.sigmoid: tf.raw_ops.SigmoidGrad}
    return kernels.get(activation)


def forward_loop(activation, state, bank, weight_sets, inputs, bias, noise, schedule, per_iteration):
    """Returns the last state `(B, N)` and two tensor lists: what the backward loop takes
    each step's derivative from (`K`: the pre-activation `z[k]` where it recomputes the
    activation, the noiseless output `activation(z[k])` where it takes the derivative
    from the output and noise makes the state differ from it, else empty), and every
    state `h[k]` (`K + 1`, the first state included)."""
    steps = step_count(weight_sets)
    multiply = step_multiply(bank, weight_sets, schedule)
    add = step_addition(inputs, bias, weight_sets, schedule, steps)
    scale, shift = step_noise(noise, steps)
    from_output = derivative_from_output(activation) is not None
    noisy = any(t is not None for t in noise)

    def step(k, j, carry):
        h, kept, states = carry
        position = j % len(schedule) if schedule is not None else None
        z = add(k, position, multiply(k, position, h))
        y = activation(z)
        h = scaled_and_shifted(y, *(t.read(k) if t is not None else None for t in (scale, shift)))
        if not from_output:
            kept = kept.write(k, z)
        elif noisy:
            kept = kept.write(k, y)
        return h, kept, states.write(k + 1, h)

    # the backward loop reads each state twice (its own step's derivative, the next one's product)
    lists = (tensor_list(state, steps), tensor_list(state, steps + 1, clear_after_read=False).write(0, state))
    return loop(step, (state, *lists), steps, per_iteration)


def backward_loop(activation, kept, states, bank, weight_sets, inputs, bias, noise, d_last,
                  d_states, schedule, per_iteration, capacity):
    """Returns the gradients of the first state, `bank`, `inputs` and `bias` (`None`
    for those not given), from those of the last state `d_last` and of every step's
    state `d_states` (or `None`); `kept` is `forward_loop`'s."""
    steps = step_count(weight_sets)
    multiply = step_multiply(bank, weight_sets, schedule)
    scale, _ = step_noise((noise[0], None), steps)  # the shift has no derivative
    noisy = any(t is not None for t in noise)
    from_output = derivative_from_output(activation)
    summed = tf.float32 if bank.dtype.size < 4 else bank.dtype  # half-precision terms summed in float32
    from_outputs = None
    if d_states is not None:
        from_outputs = tensor_list(d_last, steps).unstack(d_states)

    def step(i, j, carry):  # step k = steps - 1 - i, at (-1 - j) % period
        dh, dzs, d_sets = carry
        k = steps - 1 - i
        if from_outputs is not None:
            dh = dh + from_outputs.read(k)
        dy = dh * scale.read(k) if scale is not None else dh
        if from_output is not None:  # the derivative from the stored output: no recomputation
            dz = from_output(y=kept.read(k) if noisy else states.read(k + 1), dy=dy)
        else:
            z = kept.read(k)
            with tf.GradientTape() as tape:
                tape.watch(z)
                y = activation(z)
            dz = tape.gradient(y, z, output_gradients=dy)
        position = None
        if schedule is not None:
            position = (-1 - j) % len(schedule)
            d_sets = list(d_sets)
            term = tf.matmul(states.read(k), dz, transpose_a=True)
            d_sets[schedule[position]] += tf.cast(term, summed)
            d_sets = tuple(d_sets)
        return multiply(k, position, dz, transpose=True), dzs.write(k, dz), d_sets

    d_sets = ()
    if schedule is not None:
        d_sets = tuple(tf.zeros(bank.shape[1:], summed) for _ in range(bank.shape[0]))
    d_state, dzs, d_sets = loop(step, (d_last, tensor_list(d_last, steps), d_sets), steps, per_iteration)
    dz = dzs.stack()
    if schedule is not None:
        d_bank = tf.cast(tf.stack(d_sets), bank.dtype)
    else:
        previous = states.gather(tf.range(steps))
        d_bank = set_gradients(previous, dz, weight_sets, bank.shape[0], capacity)
    d_inputs = None
    if inputs is not None:
        d_inputs = dz if inputs.shape.rank == 3 else tf.reduce_sum(dz, axis=0)
    d_bias = None
    if bias is not None:
        d_bias = tf.math.unsorted_segment_sum(tf.reduce_sum(dz, axis=1), weight_sets, bias.shape[0])
    return d_state, d_bank, d_inputs, d_bias


def step_count(weight_sets):
    """The number of steps: a Python int where the graph knows it, else a tensor."""
    return weight_sets.shape[0] or tf.shape(weight_sets)[0]


def tensor_list(like, size, clear_after_read=True):
    """An empty `tf.TensorArray` of `size` elements shaped and typed like `like`."""
    return tf.TensorArray(like.dtype, size=size, element_shape=like.shape, clear_after_read=clear_after_read)


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
    if isinstance(iterations, int) and iterations == 1:  # all steps in one iteration: no loop
        return body(0, carry)[1]
    return tf.while_loop(lambda i, _: i < iterations, body, (tf.constant(0), carry),
                         maximum_iterations=iterations)[1]


def step_noise(noise, steps):
    """Returns the node noise `(scale, shift)` as tensor lists of the steps (`None` for
    a term not given), each read by the forward and the backward loop."""
    return tuple(None if t is None else tensor_list(t[0], steps, clear_after_read=False).unstack(t)
                 for t in noise)


def step_addition(inputs, bias, weight_sets, schedule, steps):
    """Returns `(k, position, z) -> z + inputs[k] + bias[s(k)]`, with the terms given;
    with a `schedule`, each set's bias is picked when the graph is built."""
    if inputs is None:
        add_input = lambda k, z: z
    elif inputs.shape.rank == 3:
        step_inputs = tensor_list(inputs[0], steps).unstack(inputs)
        add_input = lambda k, z: z + step_inputs.read(k)
    else:  # the same (B, N) input at every step
        add_input = lambda k, z: z + inputs
    if bias is None:
        return lambda k, position, z: add_input(k, z)
    if schedule is None:
        return lambda k, position, z: add_input(k, z) + tf.gather(bias, weight_sets[k])
    biases = tf.unstack(bias)
    return lambda k, position, z: add_input(k, z) + biases[schedule[position]]


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
