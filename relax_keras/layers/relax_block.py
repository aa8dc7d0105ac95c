import types

import keras
from keras import ops

from relax_keras.layers import _scan
from relax_keras.layers._precision import warn_if_bfloat16_is_emulated
from relax_keras.layers.node_noise import NodeNoise
from relax_keras.activations import is_elementwise
from relax_keras.schedules import most_steps_per_set
from relax_keras.layers.switch_cell import SwitchCell
from relax_keras._validation import fraction
from relax_keras._validation import one_of
from relax_keras._validation import positive_int

INJECTION_MODES = ("every", "first")
ENGINES = ("auto", "fused", "scan")


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

    Two engines run the steps (`engine`; `"auto"` chooses per call):

    - `"fused"`: a TensorFlow loop with a hand-written gradient
      (`relax_keras.layers._fused`), each weight set's gradient one matmul over the
      steps that used it. The fast path for training. It needs the TensorFlow backend
      and an activation known to act on each unit alone (Keras's element-wise
      activations, `"sin2"`, `"saturable_absorber"`, or `NodeNoise` around one), and
      takes no mask and no recurrent dropout.
    - `"scan"`: `relax_keras.layers._scan.scan` with automatic gradients, in
      `keras.ops` only: every backend, every activation (softmax, your own
      callables), masks. The reference the fused engine is tested against.

    `"auto"` runs the fused engine where it applies and the call trains (`fit`), and
    the scan engine otherwise: inference (`predict`, `evaluate`, `model.export`,
    TFLite) is traced without the fused engine's custom gradient, so it exports.
    Both give the same outputs and gradients; `unroll` applies to both.

    Masks (`Embedding(mask_zero=True)`, `Masking`): a masked element is a time slot in
    which the hardware does not clock the layer: the node state AND the switch
    schedule's step counter stay where they were, so a padded sequence (left or right
    padding) gives exactly the unpadded sequence's output, as `keras.layers.SimpleRNN`
    does. With `return_sequences`, a masked element's output is the last state (zeros
    before the first unmasked element, or with `zero_output_for_mask=True`). Static
    inputs take no mask.

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
        go_backwards: Boolean, whether to run the sequence backwards and return the
            reversed sequence (as Keras RNN layers; `keras.layers.Bidirectional`
            uses it). Sequences only. Default: `False`.
        stateful: Boolean, whether the last state `[h, k]` of each sample in a batch
            is the first state of the same sample in the next batch (the batch size
            must be fixed: `keras.Input(..., batch_size=B)`); `reset_state()` sets it
            back to zeros. Sequences only. Default: `False`.
        dropout: Float in [0, 1), the fraction of input features dropped, the same
            ones at every step (as `SimpleRNN`). Training only. Default: `0.0`.
        recurrent_dropout: Float in [0, 1), the fraction of nodes dropped from the
            state fed back through the weight set, the same ones at every step (as
            `SimpleRNN`). Training only; runs on the scan engine. Default: `0.0`.
        seed: Integer or `None`, the seed of the dropout masks. Default: `None`.
        zero_output_for_mask: Boolean, whether a masked element's output (with
            `return_sequences`) is zeros rather than the last state.
            Default: `False`.
        engine: `"auto"`, `"fused"` or `"scan"`, the engine that runs the steps (see
            above); forcing `"fused"` where it cannot run is an error. Default: `"auto"`.

    Call arguments:
        inputs: A 2D tensor `(batch, d)` or a 3D tensor `(batch, T, d)`.
        initial_state: Optional list `[h, k]` (sequences only) to continue from,
            e.g. the final state of an earlier call with `return_state=True`.
        mask: Optional boolean tensor `(batch, T)` (sequences only): `False` marks
            an element that does not clock the layer (see above).
        training: Boolean, whether the call trains (dropout, noise, the engine).

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
        go_backwards=False,
        stateful=False,
        dropout=0.0,
        recurrent_dropout=0.0,
        seed=None,
        zero_output_for_mask=False,
        engine="auto",
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
        self.engine = one_of("engine", engine, ENGINES)
        self.dropout = fraction("dropout", dropout)
        self.recurrent_dropout = fraction("recurrent_dropout", recurrent_dropout)
        super().__init__(**kwargs)
        if not all("float" in dtype for dtype in (self.compute_dtype, self.variable_dtype)):
            raise ValueError(
                f"Received an invalid value for argument `dtype`: expected a floating dtype or "
                f"policy (float32, float16, bfloat16, mixed_float16, mixed_bfloat16), got "
                f"{kwargs.get('dtype')!r}."
            )
        self.supports_masking = True
        self.go_backwards = bool(go_backwards)
        self.stateful = bool(stateful)
        self.zero_output_for_mask = bool(zero_output_for_mask)
        self.seed = seed
        self.seed_generator = keras.random.SeedGenerator(seed) if dropout or recurrent_dropout else None
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
        self._state_variables = types.SimpleNamespace(variables=None)  # not tracked: see `build`

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
        if self.static_input:
            for name in ("steps_per_input", "go_backwards", "stateful"):
                if getattr(self, name) != (1 if name == "steps_per_input" else False):
                    raise ValueError(
                        f"Layer '{self.name}': `{name}` applies to sequence inputs only, got "
                        f"{name}={getattr(self, name)} with a static input of shape "
                        f"{tuple(input_shape)}" + ("; use `repeats` to set the depth." if name ==
                                                  "steps_per_input" else ".")
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
        if self.stateful:
            if input_shape[0] is None:
                raise ValueError(
                    f"Layer '{self.name}' is stateful, which needs a fixed batch size, got "
                    f"inputs of shape {tuple(input_shape)}; pass `batch_size` to `keras.Input`."
                )
            # Plain variables, outside the layer's weights (as Keras RNN layers keep theirs):
            # a stateful block has the weights of the same block without state.
            self._state_variables.variables = [
                keras.Variable(ops.zeros((input_shape[0], self.units)), trainable=False,
                               dtype=self.variable_dtype, name="state"),
                keras.Variable(ops.zeros((input_shape[0], 1), "int32"), trainable=False, dtype="int32",
                               name="step"),
            ]

    @property
    def states(self):
        """A stateful block's state `[h, k]` (variables), or `None`."""
        return self._state_variables.variables

    def reset_state(self):
        """Sets a stateful block's state `[h, k]` back to zeros."""
        if not self.stateful:
            raise AttributeError(f"Layer '{self.name}' is not stateful.")
        for variable in self.states or ():
            variable.assign(ops.zeros(variable.shape, variable.dtype))

    reset_states = reset_state  # the name Keras 2 RNN layers used

    def call(self, inputs, initial_state=None, mask=None, training=None):
        self._check_call(inputs, initial_state, mask)
        if self.static_input:
            mask = None
        else:
            if self.go_backwards:
                inputs = ops.flip(inputs, axis=1)
                mask = None if mask is None else ops.flip(mask, axis=1)
            if initial_state is None and self.stateful:
                initial_state = list(self.states)
        engine = self.engine_for(training, mask)
        cell = self.cell
        dtype = self.compute_dtype
        if self.dropout and training:
            features = inputs if self.static_input else inputs[:, :1]  # one mask for every element
            inputs = inputs * keras.random.dropout(ops.ones_like(features), self.dropout, seed=self.seed_generator)
        bank, bank_bias = self.programmed_weights(training)
        bank = ops.cast(bank, dtype)
        bank_bias = None if bank_bias is None else ops.cast(bank_bias, dtype)
        time_major_first = not self.static_input and self.input_features <= self.units
        if time_major_first:  # transpose the smaller of the inputs and their projection
            projected = ops.matmul(ops.transpose(inputs, (1, 0, 2)), ops.cast(cell.kernel, dtype))
        else:
            projected = ops.matmul(inputs, ops.cast(cell.kernel, dtype))  # (B, [T,] N)
        keep = None
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
                state = ops.cast(state, dtype)
            step = ops.cast(step, "int32")
            steps_per_element = self.steps_per_input
            if not time_major_first:
                projected = ops.transpose(projected, (1, 0, 2))
            step_inputs = self._inputs_per_step(projected)  # (K, B, N)
            injected = None
            num_steps = step_inputs.shape[0] or ops.shape(step_inputs)[0]
            if mask is None:
                step = step[0, 0]  # every sample at the same step
            else:
                keep = ops.repeat(ops.transpose(ops.cast(mask, "bool")), steps_per_element, axis=0)  # (K, B)
        if keep is None:
            counters = step + ops.arange(num_steps, dtype="int32")  # (K,)
            final_step = ops.broadcast_to(ops.reshape(step + num_steps, (1, 1)), (ops.shape(state)[0], 1))
        else:  # each sample's counter advances at its unmasked steps only
            clocked = ops.cast(keep, "int32")
            counters = step[:, 0] + ops.cumsum(clocked, axis=0) - clocked  # (K, B)
            final_step = step + ops.sum(clocked, axis=0)[:, None]
        schedule = ops.convert_to_tensor(self.schedule_positions, dtype="int32")
        weight_sets = ops.take(schedule, ops.mod(counters, self.depth))
        if engine == "fused":
            from_start = self.static_input or initial_state is None  # step 0 of the schedule
            state, states = self._fused_steps(
                state, step_inputs, injected, bank, bank_bias, weight_sets, num_steps, from_start, training)
        else:
            state, states = self._scanned_steps(
                state, step_inputs, injected, bank, bank_bias, weight_sets, keep, num_steps, training)
        if self.stateful:
            self.states[0].assign(ops.cast(state, self.states[0].dtype))
            self.states[1].assign(final_step)
        output = state
        if self.return_sequences:
            # the state after the last switched step of each element
            states = states[steps_per_element - 1 :: steps_per_element]
            output = ops.transpose(states, (1, 0, 2))
            if mask is not None:
                shown = mask if self.zero_output_for_mask else ops.cumsum(ops.cast(mask, "int32"), axis=1) > 0
                output = ops.where(ops.cast(shown, "bool")[:, :, None], output, ops.zeros_like(output))
        if not self.return_state:
            return output
        return [output, state, final_step]

    def compute_mask(self, inputs, mask=None):
        if mask is None or not self.return_sequences or len(inputs.shape) == 2:
            return [None, None, None] if self.return_state else None
        return [mask, None, None] if self.return_state else mask

    def engine_for(self, training=None, mask=None):
        """The engine that runs a call: `"fused"` or `"scan"` (see the docstring)."""
        fused_needs = {
            "the TensorFlow backend": keras.backend.backend() == "tensorflow",
            "an element-wise activation (or NodeNoise around one)": is_elementwise(
                self.activation.activation if isinstance(self.activation, NodeNoise) else self.activation),
            "no mask": mask is None,
            "no recurrent dropout in training": not (self.recurrent_dropout and training),
        }
        if self.engine == "auto":
            return "fused" if training and all(fused_needs.values()) else "scan"
        missing = [need for need, met in fused_needs.items() if not met]
        if self.engine == "fused" and missing:
            raise ValueError(
                f"Layer '{self.name}' has engine='fused', which needs {', '.join(missing)}; this "
                f"call has backend {keras.backend.backend()!r}, activation {self.activation!r}, "
                f"mask {'given' if mask is not None else None}, recurrent_dropout "
                f"{self.recurrent_dropout}. Use engine='auto' or 'scan'."
            )
        return self.engine

    def _check_call(self, inputs, initial_state, mask=None):
        """Raises `ValueError` for inputs, states or masks this built block cannot run."""
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
        if mask is not None and not self.static_input and len(tuple(mask.shape)) != 2:
            raise ValueError(
                f"Layer '{self.name}' expects a `mask` of shape (batch, steps) for inputs of "
                f"shape {shape}, got a mask of shape {tuple(mask.shape)}."
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
                     from_start, training):
        from relax_keras.layers import _fused

        activation, noise = self.activation, (None, None)
        if isinstance(activation, NodeNoise):
            if activation.is_noisy(training):
                noise = activation.scale_and_shift(self._step_noise(num_steps, state))
            activation = activation.activation
        capacity = most_steps_per_set(self.schedule_positions, num_steps) if isinstance(num_steps, int) else None
        result = _fused.switched_recurrence(
            activation, state, bank, weight_sets, capacity, self.return_sequences,
            inputs=step_inputs if step_inputs is not None else injected, bias=bank_bias, noise=noise,
            schedule=self.schedule_positions if from_start else None, unroll=self.unroll)
        return result if self.return_sequences else (result, None)

    def _scanned_steps(self, state, step_inputs, injected, bank, bank_bias, weight_sets, keep, num_steps,
                       training):
        """Runs the steps with `keras.ops`; `weight_sets` is `(K,)`, or `(K, B)` (one set per
        sample, with a mask) with `keep` `(K, B)`, whether each sample's step is clocked."""
        xs = {"set": weight_sets}
        if step_inputs is not None:
            xs["input"] = step_inputs
        if keep is not None:
            xs["keep"] = keep
        activation = self.activation
        noisy = isinstance(activation, NodeNoise) and activation.is_noisy(training)
        if noisy:
            xs["noise"] = self._step_noise(num_steps, state)
        dropped = None
        if self.recurrent_dropout and training:
            dropped = keras.random.dropout(ops.ones_like(state), self.recurrent_dropout,
                                           seed=self.seed_generator)

        def advance(h, x):
            fed_back = h if dropped is None else h * dropped
            if keep is None:  # the active set gathered inside the step: no (K, N, N) kernels
                z = ops.matmul(fed_back, ops.take(bank, x["set"], axis=0))
            else:  # each sample's own set: all sets' products, then each sample's
                products = ops.einsum("bn,snm->bsm", fed_back, bank)
                z = ops.take_along_axis(products, x["set"][:, None, None], axis=1)[:, 0]
            if bank_bias is not None:
                z = z + ops.take(bank_bias, x["set"], axis=0)
            given = x.get("input", injected)
            if given is not None:
                z = z + given
            new = activation.apply_noise(z, x["noise"]) if noisy else activation(z)
            if keep is not None:
                new = ops.where(x["keep"][:, None], new, h)
            return new, new

        return _scan.scan(  # states: (K, B, N)
            advance, state, xs, num_steps, self.unroll,
            keep_outputs=self.return_sequences,
        )

    def _step_noise(self, num_steps, state):
        """The node noise of every step, drawn before the loop: a loop body cannot
        advance a seed (JAX), and both engines draw the same."""
        return self.activation.draw_noise((num_steps, *ops.shape(state)), state.dtype)

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

    def compute_output_shape(self, input_shape):
        batch = input_shape[0]
        if self.return_sequences:
            steps = self.depth if len(input_shape) == 2 else input_shape[1]
            output_shape = (batch, steps, self.units)
        else:
            output_shape = (batch, self.units)
        if not self.return_state:
            return output_shape
        return [output_shape, (batch, self.units), (batch, 1)]

    def compute_output_spec(self, inputs, initial_state=None, mask=None, training=None):
        self._check_call(inputs, initial_state, mask)
        shapes = self.compute_output_shape(tuple(inputs.shape))
        if not self.return_state:
            return keras.KerasTensor(shapes, dtype=self.compute_dtype)
        dtypes = [self.compute_dtype, self.compute_dtype, "int32"]
        return [keras.KerasTensor(shape, dtype=dtype) for shape, dtype in zip(shapes, dtypes)]

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
                "go_backwards": self.go_backwards,
                "stateful": self.stateful,
                "dropout": self.dropout,
                "recurrent_dropout": self.recurrent_dropout,
                "seed": self.seed,
                "zero_output_for_mask": self.zero_output_for_mask,
                "engine": self.engine,
                "weight_programming": [
                    keras.saving.serialize_keras_object(stage) for stage in self.weight_programming
                ],
            }
        )
        return {**super().get_config(), **config}
