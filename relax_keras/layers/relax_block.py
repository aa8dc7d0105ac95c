import keras
from keras import ops

from relax_keras.layers import _scan
from relax_keras.layers._precision import warn_if_bfloat16_is_emulated
from relax_keras.activations import is_elementwise
from relax_keras.schedules import most_steps_per_set
from relax_keras.layers.switch_cell import SwitchCell
from relax_keras._validation import one_of
from relax_keras._validation import positive_int

INJECTION_MODES = ("every", "first")
ENGINES = ("fused", "scan")


@keras.saving.register_keras_serializable(package="relax_keras")
class ReLaXBlock(keras.layers.Layer):
    """A ReLaX-Net block: one physical layer reused through a bank of weight sets.

    One layer of `units` nodes and a bank of `weight_sets` (L_W) weight sets; fast
    switches feed the layer's output back into itself while the active weight set
    follows a periodic schedule (period L_W * L_T, `repeats` = L_T):

        h[k+1] = activation(h[k] @ W[s(k)] + b[s(k)] + u[k] @ U)

    - A static input `x` of shape `(batch, d)` first goes through the input layer,
      `h[0] = activation(x @ U + c)`, then `depth = weight_sets * repeats` switched
      steps follow, with `u[k] = x` (`input_injection="every"`) or `u[k] = 0`
      (`"first"`: the input is shown only through `h[0]`). The output is `h[depth]`.
    - A sequence of shape `(batch, T, d)` starts from `h[0] = 0` and advances
      `steps_per_input` switched steps per element, the step counter running on
      across the sequence; element `t` is injected at each of its steps (`"every"`)
      or only at the first (`"first"`). The output is the state after the last
      element (or after every element, with `return_sequences=True`).

    `weight_sets=1` on a sequence is `keras.layers.SimpleRNN`; `repeats=1` with
    `input_injection="first"` on a static input is a stack of `weight_sets + 1`
    Dense layers. The input projection `u @ U` is one matmul for all steps, and the
    steps run in one symbolic loop, so the graph does not grow with `T` or depth.

    Two engines run the steps, chosen per call:

    - `"fused"` (TensorFlow, an activation known to act on each unit alone: Keras's
      element-wise activations, `"sin2"`, `"saturable_absorber"`): a loop with a
      hand-written gradient (`relax_keras.layers._fused`), each weight set's gradient one
      matmul over the steps that used it. The fast path.
    - `"scan"` (every other case: other backends, activations that mix units such
      as softmax, stochastic ones such as `NodeNoise`, your own callables):
      `relax_keras.layers._scan.scan` with automatic gradients, in `keras.ops` only. The
      reference the fused engine is tested against.

    Both give the same outputs and gradients; `unroll` applies to both.

    Args:
        units: Positive integer, the number of nodes N.
        weight_sets: Positive integer, the number of weight sets L_W. Default: `1`.
        repeats: Positive integer, the repetition length L_T. Default: `1`.
        schedule: `"blocked"`, `"cyclic"`, or a list of `weight_sets * repeats`
            weight-set indices (see `relax_keras.schedules`). Default: `"blocked"`.
        activation: Activation function (name or callable). Default: `"tanh"`.
        use_bias: Boolean, whether the weight sets (and a static block's input
            layer) have biases. Default: `True`.
        input_injection: `"every"` or `"first"`, see above. Default: `"every"`.
        steps_per_input: Positive integer, switched steps per sequence element.
            Sequence inputs only. Default: `1`.
        kernel_initializer: Initializer of the input coupling `U`.
            Default: `"glorot_uniform"`.
        recurrent_initializer: Initializer of each weight set. Default: `"orthogonal"`.
        bias_initializer: Initializer of the biases. Default: `"zeros"`.
        kernel_regularizer: Regularizer of `U`. Default: `None`.
        recurrent_regularizer: Regularizer of the weight bank. Default: `None`.
        bias_regularizer: Regularizer of the biases. Default: `None`.
        kernel_constraint: Constraint on `U`. Default: `None`.
        recurrent_constraint: Constraint on the weight bank. Default: `None`.
        bias_constraint: Constraint on the biases. Default: `None`.
        return_sequences: Boolean, whether to return the state after every element
            (sequences) or every switched step (static inputs). Default: `False`.
        return_state: Boolean, whether to also return the final state `[h, k]`.
            Default: `False`.
        unroll: Boolean, whether to unroll the steps in Python instead of a
            symbolic loop (faster for short loops, more memory; the number of steps
            must be known when the model is built). Default: `False`.
        weight_programming: list of layers `(bank, bank_bias) -> (bank, bank_bias)`
            applied once per evaluation to the weight sets before the steps run:
            device non-idealities such as `relax_keras.nonideal.ProgrammingNoise`
            and `relax_keras.nonideal.Quantization`. Default: `()`.

    Call arguments:
        inputs: A 2D tensor `(batch, d)` or a 3D tensor `(batch, T, d)`.
        initial_state: Optional list `[h, k]` (sequences only) to continue from,
            e.g. the final state of an earlier call with `return_state=True`.

    Input shape:
        `(batch, d)` or `(batch, T, d)`.

    Output shape:
        `(batch, units)`; with `return_sequences`, `(batch, T, units)` for a
        sequence and `(batch, depth, units)` for a static input. With
        `return_state`, followed by `h` `(batch, units)` and `k` `(batch, 1)` int32.

    Example:

    >>> block = ReLaXBlock(64, weight_sets=4, repeats=2)
    >>> tuple(block(np.zeros((8, 32, 96))).shape)   # rows of an image as a sequence
    (8, 64)
    >>> block = ReLaXBlock(64, weight_sets=4, repeats=2, input_injection="first")
    >>> tuple(block(np.zeros((8, 3072))).shape)     # a flattened image, depth 8
    (8, 64)
    """

    def __init__(
        self,
        units,
        weight_sets=1,
        repeats=1,
        schedule="blocked",
        activation="tanh",
        use_bias=True,
        input_injection="every",
        steps_per_input=1,
        kernel_initializer="glorot_uniform",
        recurrent_initializer="orthogonal",
        bias_initializer="zeros",
        kernel_regularizer=None,
        recurrent_regularizer=None,
        bias_regularizer=None,
        kernel_constraint=None,
        recurrent_constraint=None,
        bias_constraint=None,
        return_sequences=False,
        return_state=False,
        unroll=False,
        weight_programming=(),
        **kwargs,
    ):
        if kwargs.get("name") is None:  # Keras would derive "re_la_x_block"
            uid = keras.backend.get_uid("relax_block")
            kwargs["name"] = "relax_block" if uid == 1 else f"relax_block_{uid - 1}"
        cell = SwitchCell(
            units,
            weight_sets=weight_sets,
            repeats=repeats,
            schedule=schedule,
            activation=activation,
            use_bias=use_bias,
            kernel_initializer=kernel_initializer,
            recurrent_initializer=recurrent_initializer,
            bias_initializer=bias_initializer,
            kernel_regularizer=kernel_regularizer,
            recurrent_regularizer=recurrent_regularizer,
            bias_regularizer=bias_regularizer,
            kernel_constraint=kernel_constraint,
            recurrent_constraint=recurrent_constraint,
            bias_constraint=bias_constraint,
            dtype=kwargs.get("dtype"),
            name="switch_cell",
        )
        self._input_injection = one_of("input_injection", input_injection, INJECTION_MODES)
        self._steps_per_input = positive_int("steps_per_input", steps_per_input)
        super().__init__(**kwargs)
        self.cell = cell
        self.return_sequences = return_sequences
        self.return_state = return_state
        self.unroll = unroll
        self.weight_programming = [
            keras.saving.deserialize_keras_object(stage) if isinstance(stage, dict) else stage
            for stage in weight_programming
        ]
        self.static_input = None
        self.input_features = None
        self.input_bias = None
        self._engine = None  # "fused", "scan", or None: chosen per call (see the docstring)

    units = property(lambda self: self.cell.units)
    weight_sets = property(lambda self: self.cell.weight_sets)
    repeats = property(lambda self: self.cell.repeats)
    schedule = property(lambda self: self.cell.schedule)
    schedule_positions = property(lambda self: self.cell.schedule_positions)
    activation = property(lambda self: self.cell.activation)
    use_bias = property(lambda self: self.cell.use_bias)
    input_injection = property(lambda self: self._input_injection)
    steps_per_input = property(lambda self: self._steps_per_input)

    @property
    def depth(self):
        """The effective depth D = weight_sets * repeats."""
        return self.cell.period

    def build(self, input_shape):
        if len(input_shape) not in (2, 3) or input_shape[-1] is None:
            raise ValueError(
                f"Layer '{self.name}' expects a static input (batch, features) or a "
                f"sequence (batch, steps, features) with a known feature size, got an "
                f"input of shape {tuple(input_shape)}."
            )
        warn_if_bfloat16_is_emulated(self.compute_dtype)
        self.static_input = len(input_shape) == 2
        self.input_features = input_shape[-1]
        if self.static_input and self.steps_per_input != 1:
            raise ValueError(
                f"Layer '{self.name}': `steps_per_input` applies to sequence inputs "
                f"only, got steps_per_input={self.steps_per_input} with a static input "
                f"of shape {tuple(input_shape)}; use `repeats` to set the depth."
            )
        self.cell.build((None, input_shape[-1]))
        if self.static_input and self.use_bias:
            self.input_bias = self.add_weight(
                shape=(self.units,),
                name="input_bias",
                initializer=self.cell.bias_initializer,
                regularizer=self.cell.bias_regularizer,
                constraint=self.cell.bias_constraint,
            )

    def call(self, inputs, initial_state=None, training=None):
        self._check_call(inputs, initial_state)
        cell = self.cell
        dtype = self.compute_dtype
        bank, bank_bias = self.programmed_weights(training)
        bank = ops.cast(bank, dtype)
        bank_bias = None if bank_bias is None else ops.cast(bank_bias, dtype)
        time_major_first = not self.static_input and self.input_features <= self.units
        if time_major_first:  # transpose the smaller of the inputs and their projection
            projected = ops.matmul(ops.transpose(inputs, (1, 0, 2)), ops.cast(cell.kernel, dtype))
        else:
            projected = ops.matmul(inputs, ops.cast(cell.kernel, dtype))  # (B, [T,] N)
        if self.static_input:
            first = projected  # the input layer's bias c is in h[0] only, not in u[k] @ U
            if self.input_bias is not None:
                first = projected + ops.cast(self.input_bias, dtype)
            state = self.activation(first)  # h[0], (B, N)
            step = ops.zeros((), dtype="int32")
            num_steps, steps_per_element = self.depth, 1
            injected = projected if self.input_injection == "every" else None
            step_inputs = None
        else:
            if initial_state is None:
                state, step = cell.get_initial_state(ops.shape(inputs)[0])
            else:
                state, step = initial_state
            step = ops.cast(step, "int32")[0, 0]
            steps_per_element = self.steps_per_input
            if not time_major_first:
                projected = ops.transpose(projected, (1, 0, 2))
            step_inputs = self._inputs_per_step(projected)  # (K, B, N)
            injected = None
            num_steps = step_inputs.shape[0] or ops.shape(step_inputs)[0]
        schedule = ops.convert_to_tensor(self.schedule_positions, dtype="int32")
        weight_sets = ops.take(schedule, ops.mod(step + ops.arange(num_steps, dtype="int32"), self.depth))
        if self.engine == "fused":
            from_start = self.static_input or initial_state is None  # step 0 of the schedule
            state, states = self._fused_steps(
                state, step_inputs, injected, bank, bank_bias, weight_sets, num_steps, from_start)
        else:
            state, states = self._scanned_steps(
                state, step_inputs, injected, bank, bank_bias, weight_sets, num_steps)
        sequence = None
        if self.return_sequences:
            # the state after the last switched step of each element
            states = states[steps_per_element - 1 :: steps_per_element]
            sequence = ops.transpose(states, (1, 0, 2))
        output = sequence if self.return_sequences else state
        if not self.return_state:
            return output
        final_step = step + num_steps
        final_step = ops.broadcast_to(ops.reshape(final_step, (1, 1)), (ops.shape(state)[0], 1))
        return [output, state, final_step]

    @property
    def engine(self):
        """The engine that runs the steps: `"fused"` or `"scan"` (see the docstring)."""
        fused_applies = keras.backend.backend() == "tensorflow" and is_elementwise(self.activation)
        if self._engine is None:
            return "fused" if fused_applies else "scan"
        one_of("engine", self._engine, ENGINES)
        if self._engine == "fused" and not fused_applies:
            raise ValueError(
                f"Layer '{self.name}': the fused engine needs the TensorFlow backend and an "
                f"element-wise activation, got backend {keras.backend.backend()!r} and "
                f"activation {self.activation!r}."
            )
        return self._engine

    def _check_call(self, inputs, initial_state):
        """Raises `ValueError` for inputs or states this built block cannot run."""
        shape = tuple(inputs.shape)
        expected = ("(batch, {})" if self.static_input else "(batch, steps, {})").format(
            self.input_features)
        if len(shape) != (2 if self.static_input else 3) or shape[-1] != self.input_features:
            raise ValueError(
                f"Layer '{self.name}' was built for inputs of shape {expected}, got "
                f"`inputs` of shape {shape}."
            )
        if not self.static_input and shape[1] == 0:
            raise ValueError(
                f"Layer '{self.name}' got `inputs` of shape {shape}: a sequence needs at "
                "least one element."
            )
        if self.unroll and not self.static_input and shape[1] is None:
            raise ValueError(
                f"Layer '{self.name}' has `unroll=True`, which needs the sequence length "
                f"when the model is built, got `inputs` of shape {shape}."
            )
        if initial_state is None:
            return
        if self.static_input:
            raise ValueError(
                f"Layer '{self.name}' takes no `initial_state` for a static input: its "
                "first state is the input layer's output."
            )
        shapes = None
        if isinstance(initial_state, (list, tuple)) and len(initial_state) == 2:
            shapes = [tuple(getattr(part, "shape", ())) for part in initial_state]
        if (shapes is None or len(shapes[0]) != 2 or shapes[0][-1] != self.units
                or shapes[1][-1:] != (1,) or len(shapes[1]) != 2):
            raise ValueError(
                f"Layer '{self.name}' expects `initial_state` as a list [h, k] of shapes "
                f"(batch, {self.units}) and (batch, 1), got "
                f"{shapes if shapes is not None else initial_state!r}."
            )

    def _fused_steps(self, state, step_inputs, injected, bank, bank_bias, weight_sets, num_steps,
                     from_start):
        from relax_keras.layers import _fused

        capacity = most_steps_per_set(self.schedule_positions, num_steps) if isinstance(num_steps, int) else None
        result = _fused.switched_recurrence(
            self.activation, state, bank, weight_sets, capacity, self.return_sequences,
            inputs=step_inputs if step_inputs is not None else injected, bias=bank_bias,
            schedule=self.schedule_positions if from_start else None, unroll=self.unroll)
        return result if self.return_sequences else (result, None)

    def _scanned_steps(self, state, step_inputs, injected, bank, bank_bias, weight_sets, num_steps):
        xs = {"set": weight_sets}  # (K,)
        if step_inputs is not None:
            xs["input"] = step_inputs

        def advance(h, x):
            # the active set gathered inside the step: no (K, N, N) sequence of kernels
            kernel = ops.take(bank, x["set"], axis=0)
            bias = None if bank_bias is None else ops.take(bank_bias, x["set"], axis=0)
            h = self.cell.switched_step(h, x.get("input", injected), kernel, bias)
            return h, h

        return _scan.scan(  # states: (K, B, N)
            advance, state, xs, num_steps, self.unroll,
            keep_outputs=self.return_sequences,
        )

    def programmed_weights(self, training=False):
        """Returns the weight bank and biases as the device holds them: after the
        `weight_programming` stages (noise off unless `training`)."""
        bank, bank_bias = self.cell.recurrent_kernel, self.cell.bias
        for stage in self.weight_programming:
            bank, bank_bias = stage(bank, bank_bias, training=training)
        return bank, bank_bias

    def _inputs_per_step(self, projected):
        """Returns the projected input of every switched step, time-major.

        `projected` is `(T, B, N)`; the result is `(T * steps_per_input, B, N)`: each
        element repeated (`"every"`) or followed by zeros (`"first"`).
        """
        repeat = self.steps_per_input
        if repeat == 1:
            return projected
        if self.input_injection == "every":
            return ops.repeat(projected, repeat, axis=0)
        padded = ops.stack([projected] + [ops.zeros_like(projected)] * (repeat - 1), axis=1)
        return ops.reshape(padded, (-1, *ops.shape(projected)[1:]))

    def compute_output_spec(self, inputs, initial_state=None, training=None):
        self._check_call(inputs, initial_state)
        batch = inputs.shape[0]
        if self.return_sequences:
            steps = self.depth if len(inputs.shape) == 2 else inputs.shape[1]
            output_shape = (batch, steps, self.units)
        else:
            output_shape = (batch, self.units)
        output = keras.KerasTensor(output_shape, dtype=self.compute_dtype)
        if not self.return_state:
            return output
        return [
            output,
            keras.KerasTensor((batch, self.units), dtype=self.compute_dtype),
            keras.KerasTensor((batch, 1), dtype="int32"),
        ]

    def get_config(self):
        config = self.cell.get_config()
        for key in ("name", "trainable", "dtype"):
            config.pop(key, None)
        config.update(
            {
                "input_injection": self.input_injection,
                "steps_per_input": self.steps_per_input,
                "return_sequences": self.return_sequences,
                "return_state": self.return_state,
                "unroll": self.unroll,
                "weight_programming": [
                    keras.saving.serialize_keras_object(stage) for stage in self.weight_programming
                ],
            }
        )
        return {**super().get_config(), **config}
