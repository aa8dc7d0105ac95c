"""The fused engine (hand-written gradient) against the scan engine (automatic gradients)."""

import numpy as np
import pytest
import tensorflow as tf
from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st

import keras
from relax_keras import ReLaXBlock
from relax_keras.activations import KERAS_ELEMENTWISE
from relax_keras.activations import PHYSICAL_ACTIVATIONS
from relax_keras.nonideal import NodeNoise

pytestmark = pytest.mark.tensorflow  # the fused engine is TensorFlow's

ACTIVATIONS = sorted(KERAS_ELEMENTWISE) + sorted(PHYSICAL_ACTIVATIONS)


@st.composite
def configurations(draw):
    """One block configuration and how to call it."""
    weight_sets, repeats = draw(st.integers(1, 4)), draw(st.integers(1, 3))
    period = weight_sets * repeats
    schedule = draw(st.one_of(st.sampled_from(["blocked", "cyclic"]),
                              st.lists(st.integers(0, weight_sets - 1), min_size=period, max_size=period)))
    static = draw(st.booleans())
    kwargs = dict(
        weight_sets=weight_sets, repeats=repeats, schedule=schedule,
        activation=draw(st.sampled_from(ACTIVATIONS)), input_injection=draw(st.sampled_from(["every", "first"])),
        use_bias=draw(st.booleans()), bias_initializer="random_normal",
        return_sequences=draw(st.booleans()), unroll=draw(st.booleans()),
    )
    if not static:
        kwargs.update(steps_per_input=draw(st.integers(1, 3)), return_state=draw(st.booleans()))
    jit = draw(st.booleans())
    call = dict(static=static, initial_state=not static and draw(st.booleans()), jit=jit,
                length=draw(st.integers(1, 6)),
                # XLA draws other noise than TensorFlow's kernels from the same seed
                noise=None if jit else draw(st.sampled_from([None, (0.2, 0.0), (0.0, 0.3), (0.2, 0.3)])))
    return kwargs, call


def block_with_noise(engine, kwargs, noise):
    """A block; with `noise = (additive, multiplicative)`, its activation in `NodeNoise`
    (seeded: every block built so draws the same noise)."""
    if noise is not None:
        kwargs = dict(kwargs, activation=NodeNoise(kwargs["activation"], *noise, seed=7))
    return ReLaXBlock(6, engine=engine, **kwargs)


def outputs_and_gradients(block, inputs, initial_state, jit):
    @tf.function(jit_compile=jit)
    def run():
        with tf.GradientTape() as tape:
            out = block(inputs, initial_state=initial_state, training=True)
            outputs = out if isinstance(out, list) else [out]
            loss = sum(tf.reduce_sum(tf.sin(o)) for o in outputs[:2])
        return outputs[:2], [tf.convert_to_tensor(g) for g in tape.gradient(loss, block.trainable_weights)]

    return run()


@settings(max_examples=40, deadline=None, derandomize=True)
@given(configuration=configurations())
def test_fused_engine_equals_automatic_gradients(configuration):
    kwargs, call = configuration
    rng = np.random.default_rng(len(str(kwargs)))
    shape = (3, 5) if call["static"] else (3, call["length"], 5)
    inputs = (0.5 * rng.standard_normal(shape)).astype("float32")
    fused, scanned = (block_with_noise(engine, kwargs, call["noise"]) for engine in ("fused", "scan"))
    fused(inputs), scanned(inputs)
    scanned.set_weights(fused.get_weights())
    assert (fused.engine_for(training=True), scanned.engine_for(training=True)) == ("fused", "scan")
    initial_state = None
    if call["initial_state"]:
        initial_state = [0.5 * rng.standard_normal((3, 6)).astype("float32"),
                         np.full((3, 1), int(rng.integers(0, 9)), "int32")]
    outputs, gradients = outputs_and_gradients(fused, inputs, initial_state, call["jit"])
    expected_outputs, expected_gradients = outputs_and_gradients(scanned, inputs, initial_state, False)
    for output, expected in zip(outputs, expected_outputs):
        np.testing.assert_allclose(output, expected, rtol=1e-4, atol=1e-5)
    for weight, gradient, expected in zip(fused.trainable_weights, gradients, expected_gradients):
        np.testing.assert_allclose(gradient, expected, rtol=1e-4, atol=1e-4, err_msg=weight.path)


def mixing_units(x):
    """A user's activation that mixes units: each unit sees its neighbour."""
    return keras.ops.tanh(x + 0.5 * keras.ops.roll(x, 1, axis=-1))


def reference_static(block, inputs):
    """The static block written out step by step in plain TensorFlow."""
    kernel, bank, bank_bias, input_bias = (
        w.value for w in (block.cell.kernel, block.cell.recurrent_kernel, block.cell.bias, block.input_bias))
    projected = inputs @ kernel
    h = block.activation(projected + input_bias)
    for k in range(block.depth):
        s = block.schedule_positions[k]
        h = block.activation(h @ bank[s] + bank_bias[s] + projected)
    return h


@pytest.mark.parametrize("activation", ["softmax", "log_softmax", mixing_units])
def test_activation_mixing_units_trains_with_correct_gradients(activation):
    inputs = np.random.default_rng(0).standard_normal((4, 5)).astype("float32")
    block = ReLaXBlock(6, weight_sets=3, repeats=1, activation=activation,
                       bias_initializer="random_normal")
    block(inputs)
    assert block.engine_for(training=True) == "scan"
    with tf.GradientTape(persistent=True) as tape:
        loss = tf.reduce_sum(tf.sin(block(inputs)))
        expected_loss = tf.reduce_sum(tf.sin(reference_static(block, inputs)))
    np.testing.assert_allclose(loss, expected_loss, rtol=1e-5)
    for weight in block.trainable_weights:
        gradient, expected = (tf.convert_to_tensor(tape.gradient(value, weight.value))
                              for value in (loss, expected_loss))
        largest = np.abs(expected).max()
        assert largest > 1e-6, weight.path  # softmax chains shrink gradients, but not to 0
        np.testing.assert_allclose(gradient, expected, rtol=1e-4, atol=1e-4 * largest, err_msg=weight.path)


def test_fused_engine_refuses_an_activation_mixing_units():
    block = ReLaXBlock(4, weight_sets=2, activation="softmax", engine="fused")
    with pytest.raises(ValueError, match="engine=.fused., which needs an element-wise activation \\(or NodeNoise around one\\)"):
        block(np.zeros((2, 3), "float32"))


def test_node_noise_trains_on_the_fused_engine_around_an_element_wise_activation_only():
    assert ReLaXBlock(4, weight_sets=2, activation=NodeNoise("tanh", 0.1)).engine_for(training=True) == "fused"
    assert ReLaXBlock(4, weight_sets=2, activation=NodeNoise("softmax", 0.1)).engine_for(training=True) == "scan"


def test_the_unrolled_scan_engine_trains_under_xla():
    inputs = np.random.default_rng(0).standard_normal((3, 4, 5)).astype("float32")
    mask = np.array([[1, 1, 1, 1], [0, 1, 1, 1], [1, 1, 0, 0]], bool)
    block = ReLaXBlock(6, weight_sets=2, repeats=2, unroll=True, return_sequences=True)
    block(inputs)

    def gradients():
        with tf.GradientTape() as tape:
            loss = tf.reduce_sum(tf.sin(block(inputs, mask=mask, training=True)))
        return [tf.convert_to_tensor(g) for g in tape.gradient(loss, block.trainable_weights)]

    assert block.engine_for(training=True, mask=mask) == "scan"
    for compiled, eager in zip(tf.function(gradients, jit_compile=True)(), gradients()):
        np.testing.assert_allclose(compiled, eager, rtol=1e-4, atol=1e-5)


def test_auto_engine_trains_fused_and_infers_with_the_scan_engine():
    block = ReLaXBlock(4, weight_sets=2)
    assert (block.engine, block.engine_for(training=True), block.engine_for(training=False)) == (
        "auto", "fused", "scan")
    assert block.engine_for(training=True, mask=np.ones((2, 3), bool)) == "scan"
    assert ReLaXBlock(4, recurrent_dropout=0.2).engine_for(training=True) == "scan"


def test_forcing_the_fused_engine_where_it_cannot_run_is_a_clear_error():
    block = ReLaXBlock(4, weight_sets=2, engine="fused")
    with pytest.raises(ValueError, match="engine='fused', which needs no mask"):
        block(np.zeros((2, 3, 5), "float32"), mask=np.ones((2, 3), bool))
    with pytest.raises(ValueError, match="`engine`, expected one of \\['auto', 'fused', 'scan'\\], got 'cudnn'"):
        ReLaXBlock(4, engine="cudnn")


def test_mixed_bfloat16_weight_gradients_stay_close_to_float32():
    """The fused gradient in bfloat16 (each set's terms summed in float32) against float32."""
    inputs = np.random.default_rng(0).standard_normal((8, 64, 5)).astype("float32")
    gradients = {}
    for policy in ("float32", "mixed_bfloat16"):
        block = ReLaXBlock(16, weight_sets=2, repeats=2, dtype=policy, engine="fused")
        block(inputs)
        if policy == "float32":
            weights = block.get_weights()
        block.set_weights(weights)
        with tf.GradientTape() as tape:
            loss = tf.reduce_sum(tf.cast(block(inputs), "float32"))
        gradients[policy] = tape.gradient(loss, block.cell.recurrent_kernel)
    error = tf.norm(gradients["mixed_bfloat16"] - gradients["float32"]) / tf.norm(gradients["float32"])
    assert float(error) < 0.05


@pytest.mark.parametrize("activation", ["tanh", "sigmoid"])
@pytest.mark.parametrize("config", [dict(weight_sets=4), dict(weight_sets=2, repeats=3, schedule="cyclic"),
                                    dict(weight_sets=3, repeats=2, return_sequences=True)])
def test_the_derivative_from_the_stored_state_is_the_recomputed_one_bit_for_bit(activation, config):
    from unittest import mock

    from relax_keras.layers import _fused

    inputs = np.random.default_rng(0).standard_normal((8, 7, 5)).astype("float32")
    block = ReLaXBlock(6, activation=activation, engine="fused", bias_initializer="random_normal", **config)
    block(inputs)

    def gradients():
        with tf.GradientTape() as tape:
            loss = tf.reduce_sum(tf.sin(block(inputs, training=True)))
        return [tf.convert_to_tensor(g).numpy() for g in tape.gradient(loss, block.trainable_weights)]

    from_state = gradients()
    assert _fused.derivative_from_output(block.activation) is not None
    with mock.patch.object(_fused, "derivative_from_output", lambda activation: None):
        recomputed = gradients()
    for a, b in zip(from_state, recomputed):
        np.testing.assert_array_equal(a, b)


@pytest.mark.parametrize("groups", [2, 3])
@pytest.mark.parametrize("static_batch", [True, False])
@pytest.mark.parametrize("return_sequences", [True, False])
@pytest.mark.parametrize("injection", ["every", "first"])
def test_the_batch_run_as_independent_chains_gives_the_same_gradients(monkeypatch, groups, static_batch,
                                                                      return_sequences, injection):
    """The fused engine runs the batch as one chain of steps per core (`batch_groups`);
    uneven parts (71 rows in 2 or 3) and a batch size unknown when traced included."""
    from relax_keras.layers import _fused

    monkeypatch.setattr(_fused, "batch_groups", lambda state: groups)
    kwargs = dict(weight_sets=2, repeats=2, input_injection=injection, return_sequences=return_sequences,
                  bias_initializer="random_normal")
    inputs = np.random.default_rng(groups).standard_normal((71, 4, 5)).astype("float32")
    fused, scanned = ReLaXBlock(6, engine="fused", **kwargs), ReLaXBlock(6, engine="scan", **kwargs)
    fused(inputs), scanned(inputs)
    scanned.set_weights(fused.get_weights())
    signature = [tf.TensorSpec((71 if static_batch else None, 4, 5))]

    def run(block):
        @tf.function(input_signature=signature)
        def step(x):
            with tf.GradientTape() as tape:
                loss = tf.reduce_sum(tf.sin(block(x, training=True)))
            return loss, tape.gradient(loss, block.trainable_weights)

        return step(tf.constant(inputs))

    (loss, gradients), (expected_loss, expected_gradients) = run(fused), run(scanned)
    np.testing.assert_allclose(loss, expected_loss, rtol=1e-5)
    for weight, gradient, expected in zip(fused.trainable_weights, gradients, expected_gradients):
        np.testing.assert_allclose(gradient, expected, rtol=1e-4, atol=1e-4, err_msg=weight.path)


def test_the_batch_is_split_only_into_parts_of_at_least_32_rows():
    from relax_keras.layers import _fused

    cores = min(len(__import__("os").sched_getaffinity(0)), _fused.MOST_GROUPS)
    assert _fused.batch_groups(tf.zeros((40, 6))) == 1
    assert _fused.batch_groups(tf.zeros((256, 6))) == max(1, min(cores, 8))
    parts = _fused.split_batch(tf.reshape(tf.range(71 * 2), (71, 2)), 3, 0)
    assert [p.shape[0] for p in parts] == [23, 24, 24]
    np.testing.assert_array_equal(tf.concat(parts, 0), tf.reshape(tf.range(71 * 2), (71, 2)))
