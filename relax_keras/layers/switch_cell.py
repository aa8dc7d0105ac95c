import keras
from keras import ops

from relax_keras import activations
from relax_keras.layers._bank_initializers import bank_initializer
from relax_keras.layers._memory import check_fits
from relax_keras.schedules import resolve_schedule
from relax_keras._validation import positive_int


@keras.saving.register_keras_serializable(package="relax_keras")
class SwitchCell(keras.layers.Layer):
    """One switched step of a ReLaX-Net: a bank of weight sets behind a fast switch.

    The cell owns the input coupling `U` (shared by all weight sets: a physical input
    mask does not switch), the bank of `weight_sets` recurrent matrices `W[0..L_W-1]`
    and their biases `b[0..L_W-1]`, and the periodic switch schedule `s(k)`. Its state
    is the node state `h` and the step counter `k`, so that step

        h[k+1] = activation(h[k] @ W[s(k)] + b[s(k)] + u[k] @ U)

    uses the weight set the schedule names for step `k`, whatever sequence it is in.
    It is a Keras RNN cell: `keras.layers.RNN(SwitchCell(...))` runs it over a
    sequence, one switched step per element. `ReLaXBlock` is the faster layer built
    on it.

    Args:
        units: Positive integer, the number of nodes N.
        weight_sets: Positive integer, the number of weight sets L_W. Default: `1`.
        repeats: Positive integer, the repetition length L_T; the schedule's period
            is `weight_sets * repeats`. Default: `1`.
        schedule: `"blocked"` (each set held for `repeats` steps), `"cyclic"` (sets
            interleaved) or a list of `weight_sets * repeats` weight-set indices.
            Default: `"blocked"`.
        activation: Activation function: a Keras name, `"sin2"`,
            `"saturable_absorber"` (see `relax_keras.physics`), a callable, or a layer
            such as `relax_keras.nonideal.NodeNoise`. Default: `"tanh"`.
        use_bias: Boolean, whether each weight set has a bias. Default: `True`.
        kernel_initializer: Initializer of the input coupling `U`.
            Default: `"glorot_uniform"`.
        recurrent_initializer: Initializer of each weight set; every set is its own
            independent draw (see `relax_keras.layers._bank_initializers`), so an orthogonal
            bank has orthogonal, different sets. Default: `"orthogonal"`.
        bias_initializer: Initializer of each set's bias, drawn set by set like the
            weight sets. Default: `"zeros"`.
        kernel_regularizer: Regularizer of `U`. Default: `None`.
        recurrent_regularizer: Regularizer of the weight bank. Default: `None`.
        bias_regularizer: Regularizer of the biases. Default: `None`.
        kernel_constraint: Constraint on `U`. Default: `None`.
        recurrent_constraint: Constraint on the weight bank. Default: `None`.
        bias_constraint: Constraint on the biases. Default: `None`.

    Call arguments:
        inputs: A 2D tensor `(batch, input_dim)`, the input of this step.
        states: A list `[h, k]`: `h` of shape `(batch, units)` and the int32 step
            counter `k` of shape `(batch, 1)`.

    Example:

    >>> cell = SwitchCell(8, weight_sets=2, repeats=3)
    >>> layer = keras.layers.RNN(cell)
    >>> tuple(layer(np.zeros((4, 12, 5))).shape)
    (4, 8)
    """

    def __init__(
        self,
        units,
        weight_sets=1,
        repeats=1,
        schedule="blocked",
        activation="tanh",
        use_bias=True,
        kernel_initializer="glorot_uniform",
        recurrent_initializer="orthogonal",
        bias_initializer="zeros",
        kernel_regularizer=None,
        recurrent_regularizer=None,
        bias_regularizer=None,
        kernel_constraint=None,
        recurrent_constraint=None,
        bias_constraint=None,
        **kwargs,
    ):
        self.units = positive_int("units", units)
        self.weight_sets = positive_int("weight_sets", weight_sets)
        self.repeats = positive_int("repeats", repeats)
        check_fits("weight_sets", weight_sets, (weight_sets, units, units))
        self.schedule_positions = resolve_schedule(schedule, weight_sets, repeats)
        super().__init__(**kwargs)
        self.schedule = schedule if isinstance(schedule, str) else list(self.schedule_positions)
        self.activation = activations.get(activation)
        self.use_bias = use_bias
        self.kernel_initializer = keras.initializers.get(kernel_initializer)
        self.recurrent_initializer = keras.initializers.get(recurrent_initializer)
        self.bias_initializer = keras.initializers.get(bias_initializer)
        self.kernel_regularizer = keras.regularizers.get(kernel_regularizer)
        self.recurrent_regularizer = keras.regularizers.get(recurrent_regularizer)
        self.bias_regularizer = keras.regularizers.get(bias_regularizer)
        self.kernel_constraint = keras.constraints.get(kernel_constraint)
        self.recurrent_constraint = keras.constraints.get(recurrent_constraint)
        self.bias_constraint = keras.constraints.get(bias_constraint)
        self.state_size = [self.units, 1]
        self.output_size = self.units

    @property
    def period(self):
        return self.weight_sets * self.repeats

    def build(self, input_shape):
        input_dim = input_shape[-1]
        self.kernel = self.add_weight(
            shape=(input_dim, self.units),
            name="kernel",
            initializer=self.kernel_initializer,
            regularizer=self.kernel_regularizer,
            constraint=self.kernel_constraint,
        )
        self.recurrent_kernel = self.add_weight(
            shape=(self.weight_sets, self.units, self.units),
            name="recurrent_kernel",
            initializer=bank_initializer(self.recurrent_initializer),
            regularizer=self.recurrent_regularizer,
            constraint=self.recurrent_constraint,
        )
        self.bias = None
        if self.use_bias:
            self.bias = self.add_weight(
                shape=(self.weight_sets, self.units),
                name="bias",
                initializer=bank_initializer(self.bias_initializer),
                regularizer=self.bias_regularizer,
                constraint=self.bias_constraint,
            )

    def get_initial_state(self, batch_size=None):
        return [
            ops.zeros((batch_size, self.units), dtype=self.compute_dtype),
            ops.zeros((batch_size, 1), dtype="int32"),
        ]

    def weight_set_at(self, step):
        """Returns the index of the weight set active at (scalar, int) step `step`."""
        schedule = ops.convert_to_tensor(self.schedule_positions, dtype="int32")
        return ops.take(schedule, ops.mod(step, self.period))

    def switched_step(self, state, projected_input, kernel, bias):
        """Returns `activation(state @ kernel + bias + projected_input)`.

        `kernel` and `bias` are the active weight set (in the compute dtype; `bias`
        may be `None`), `projected_input` is `u @ U` or `None` for no input.
        """
        z = ops.matmul(state, kernel)  # (B, N)
        if bias is not None:
            z = z + bias
        if projected_input is not None:
            z = z + projected_input
        return self.activation(z)

    def call(self, inputs, states, training=False):
        state, counter = states
        # keras.layers.RNN may carry the counter as a float; it keeps its dtype.
        step = ops.cast(counter, "int32")
        weight_set = self.weight_set_at(step[0, 0])
        bias = None
        if self.bias is not None:
            bias = ops.take(ops.cast(self.bias, self.compute_dtype), weight_set, axis=0)
        new_state = self.switched_step(
            state,
            ops.matmul(inputs, ops.cast(self.kernel, self.compute_dtype)),
            ops.take(ops.cast(self.recurrent_kernel, self.compute_dtype), weight_set, axis=0),
            bias,
        )
        return new_state, [new_state, ops.cast(step + 1, counter.dtype)]

    def get_config(self):
        config = {
            "units": self.units,
            "weight_sets": self.weight_sets,
            "repeats": self.repeats,
            "schedule": self.schedule,
            "activation": keras.activations.serialize(self.activation),
            "use_bias": self.use_bias,
            "kernel_initializer": keras.initializers.serialize(self.kernel_initializer),
            "recurrent_initializer": keras.initializers.serialize(
                self.recurrent_initializer
            ),
            "bias_initializer": keras.initializers.serialize(self.bias_initializer),
            "kernel_regularizer": keras.regularizers.serialize(self.kernel_regularizer),
            "recurrent_regularizer": keras.regularizers.serialize(
                self.recurrent_regularizer
            ),
            "bias_regularizer": keras.regularizers.serialize(self.bias_regularizer),
            "kernel_constraint": keras.constraints.serialize(self.kernel_constraint),
            "recurrent_constraint": keras.constraints.serialize(
                self.recurrent_constraint
            ),
            "bias_constraint": keras.constraints.serialize(self.bias_constraint),
        }
        return {**super().get_config(), **config}

