import warnings

import keras
import numpy as np
import pytest
from keras import ops

from relax_keras import ReLaXBlock
from relax_keras import SwitchCell
from relax_keras import load_model
from relax_keras.schedules import switch_positions

RNG = np.random.default_rng(0)


def random_array(*shape):
    return RNG.standard_normal(shape).astype("float32")


def numpy(x):
    return ops.convert_to_numpy(x)


def test_one_weight_set_equals_simple_rnn():
    inputs = random_array(3, 7, 5)
    block = ReLaXBlock(6, weight_sets=1, repeats=4)
    rnn = keras.layers.SimpleRNN(6)
    block(inputs), rnn(inputs)
    kernel, recurrent, bias = rnn.get_weights()
    block.set_weights([kernel, recurrent[None], bias[None]])
    np.testing.assert_allclose(numpy(block(inputs)), numpy(rnn(inputs)), atol=1e-5)


def test_single_repeat_first_injection_equals_dense_stack():
    inputs = random_array(4, 9)
    block = ReLaXBlock(5, weight_sets=3, repeats=1, input_injection="first",
                       activation="relu", bias_initializer="random_normal")
    block(inputs)
    kernel, bank, bank_bias, input_bias = (
        block.cell.kernel, block.cell.recurrent_kernel, block.cell.bias, block.input_bias
    )
    expected = np.maximum(inputs @ numpy(kernel) + numpy(input_bias), 0)
    for index in range(3):
        expected = np.maximum(expected @ numpy(bank)[index] + numpy(bank_bias)[index], 0)
    np.testing.assert_allclose(numpy(block(inputs)), expected, atol=1e-5)


def schedule_probe(schedule, weight_sets, repeats, steps_per_input=1, **kwargs):
    """A block whose state after step k is the index of the weight set used at step k."""
    block = ReLaXBlock(
        1, weight_sets, repeats, schedule=schedule, activation="linear",
        steps_per_input=steps_per_input, recurrent_initializer="zeros",
        kernel_initializer="zeros", return_sequences=True, **kwargs,
    )
    block.build((None, None, 2))
    block.cell.bias.assign(np.arange(weight_sets, dtype="float32")[:, None])
    return block


@pytest.mark.parametrize("schedule", ["blocked", "cyclic", [2, 0, 0, 1, 2, 1]])
@pytest.mark.parametrize("steps_per_input", [1, 2])
def test_weight_set_follows_schedule_beyond_one_period(schedule, steps_per_input):
    block = schedule_probe(schedule, 3, 2, steps_per_input)
    elements = 17  # more than two periods of 6 steps
    used = numpy(block(np.zeros((2, elements, 2), "float32")))[0, :, 0]
    positions = switch_positions(schedule, 3, 2, elements * steps_per_input)
    np.testing.assert_array_equal(used, positions[steps_per_input - 1 :: steps_per_input])


def test_counter_runs_on_across_calls():
    block = schedule_probe("blocked", 3, 2, return_state=True)
    inputs = np.zeros((2, 4, 2), "float32")
    _, state, step = block(inputs)
    np.testing.assert_array_equal(numpy(step), [[4], [4]])
    used, _, step = block(inputs, initial_state=[state, step])
    np.testing.assert_array_equal(numpy(used)[0, :, 0], switch_positions("blocked", 3, 2, 4, start=4))
    np.testing.assert_array_equal(numpy(step), [[8], [8]])


def test_static_input_schedule_and_depth():
    block = ReLaXBlock(1, 3, 2, schedule="cyclic", activation="linear",
                       recurrent_initializer="zeros", kernel_initializer="zeros",
                       input_injection="first", return_sequences=True)
    block.build((None, 4))
    block.cell.bias.assign(np.arange(3, dtype="float32")[:, None])
    used = block(np.ones((1, 4), "float32"))[0, :, 0]
    np.testing.assert_array_equal(numpy(used), [0, 1, 2, 0, 1, 2])


def test_static_every_injection_adds_input_at_each_step():
    inputs = random_array(2, 3)
    block = ReLaXBlock(4, 2, 2, input_injection="every")
    output = numpy(block(inputs))
    U, W, b, c = (numpy(w) for w in (block.cell.kernel, block.cell.recurrent_kernel, block.cell.bias,
                                     block.input_bias))
    h = np.tanh(inputs @ U + c)
    for s in [0, 0, 1, 1]:
        h = np.tanh(h @ W[s] + b[s] + inputs @ U)
    np.testing.assert_allclose(output, h, atol=1e-5)


@pytest.mark.parametrize("schedule", ["blocked", "cyclic"])
@pytest.mark.parametrize("static", [True, False])
def test_every_weight_set_gets_a_gradient(schedule, static):
    """One SGD step moves every weight set: each has a gradient."""
    shape = (5,) if static else (8, 5)
    model = keras.Sequential([keras.Input(shape), ReLaXBlock(4, weight_sets=4, repeats=2, schedule=schedule)])
    model.compile(keras.optimizers.SGD(0.1), "mse")
    before = numpy(model.layers[0].cell.recurrent_kernel)
    model.train_on_batch(random_array(3, *shape), np.ones((3, 4), "float32"))
    moved = np.abs(numpy(model.layers[0].cell.recurrent_kernel) - before).reshape(4, -1).max(axis=1)
    assert np.all(moved > 0), moved


def test_keras_rnn_over_switch_cell_equals_block():
    inputs = random_array(2, 11, 3)
    block = ReLaXBlock(5, 3, 2, schedule="cyclic", return_sequences=True)
    rnn = keras.layers.RNN(SwitchCell(5, 3, 2, schedule="cyclic"), return_sequences=True)
    block(inputs), rnn(inputs)
    rnn.set_weights(block.get_weights())
    np.testing.assert_allclose(numpy(block(inputs)), numpy(rnn(inputs)), atol=1e-5)
    compiled = keras.Sequential([keras.Input((11, 3)), rnn])  # in a graph, the counter's dtype stays
    compiled.compile(jit_compile=False)
    np.testing.assert_allclose(numpy(block(inputs)), compiled.predict(inputs, verbose=0), atol=1e-5)


@pytest.mark.parametrize("static", [True, False])
def test_save_load_and_config_round_trip(tmp_path, static):
    shape = (6,) if static else (5, 6)
    inputs = keras.Input(shape)
    block = ReLaXBlock(7, 2, 3, schedule=[1, 0, 1, 1, 0, 0], activation="relu",
                       kernel_regularizer="l2", return_sequences=True)
    model = keras.Model(inputs, keras.layers.Dense(2)(block(inputs)))
    x = random_array(4, *shape)
    path = tmp_path / "model.keras"
    model.save(path)
    reloaded = load_model(path, safe_mode=True)
    np.testing.assert_array_equal(numpy(model(x)), numpy(reloaded(x)))
    clone = ReLaXBlock.from_config(block.get_config())
    clone.build((None, *shape))
    clone.set_weights(block.get_weights())
    np.testing.assert_array_equal(numpy(block(x)), numpy(clone(x)))
    assert clone.schedule == [1, 0, 1, 1, 0, 0]


def test_runs_under_xla():
    inputs = random_array(8, 6, 4)
    targets = random_array(8, 3)
    model = keras.Sequential([keras.Input((6, 4)), ReLaXBlock(5, 2, 2), keras.layers.Dense(3)])
    eager = numpy(model(inputs))
    model.compile("sgd", "mse", jit_compile=True)
    np.testing.assert_allclose(model.predict(inputs, verbose=0), eager, atol=1e-5)
    history = model.fit(inputs, targets, epochs=2, verbose=0)
    assert np.isfinite(history.history["loss"]).all()


@pytest.mark.parametrize("policy", ["mixed_float16", "mixed_bfloat16"])
@pytest.mark.parametrize("static", [True, False])
def test_mixed_precision_keeps_float32_variables(policy, static):
    keras.config.set_dtype_policy(policy)
    shape = (6,) if static else (5, 6)
    model = keras.Sequential([keras.Input(shape), ReLaXBlock(8, 2, 2), keras.layers.Dense(2)])
    block = model.layers[0]
    assert all(w.dtype == "float32" for w in block.weights)
    assert block.compute_dtype == policy.split("_")[1]
    assert keras.backend.standardize_dtype(block(random_array(3, *shape)).dtype) == block.compute_dtype
    model.compile("adam", "mse")
    history = model.fit(random_array(16, *shape), random_array(16, 2), epochs=1, verbose=0)
    assert np.isfinite(history.history["loss"]).all()


def graph_ops(sequence_length):
    import tensorflow as tf

    block = ReLaXBlock(4, 2, 3, steps_per_input=2)
    block.build((None, None, 3))
    function = tf.function(block).get_concrete_function(
        tf.TensorSpec((2, sequence_length, 3), tf.float32)
    )
    return [op.type for op in function.graph.get_operations()]


@pytest.mark.tensorflow
def test_graph_does_not_grow_with_length_and_projects_inputs_once():
    short, long = graph_ops(16), graph_ops(64)  # both more steps than one loop iteration runs
    assert len(short) == len(long)
    # the input projection is the one matmul outside the step loop
    assert sum(op in ("MatMul", "BatchMatMulV2", "Einsum") for op in long) == 1
    assert "While" in long or "StatelessWhile" in long


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"units": 0}, "`units`, expected a positive integer, got 0"),
        ({"units": 2.5}, "`units`, expected a positive integer, got 2.5"),
        ({"weight_sets": -1}, "`weight_sets`, expected a positive integer, got -1"),
        ({"repeats": True}, "`repeats`, expected a positive integer, got True"),
        ({"schedule": "random"}, "`schedule`, expected one of ['blocked', 'cyclic']"),
        ({"schedule": [0, 1, 0]}, "needs weight_sets * repeats = 2 * 2 = 4 entries, got 3"),
        ({"schedule": [0, 1, 2, 0]}, "integer in [0, 2), got 2"),
        ({"input_injection": "last"}, "`input_injection`, expected one of ['every', 'first'], got 'last'"),
        ({"steps_per_input": 0}, "`steps_per_input`, expected a positive integer, got 0"),
        ({"activation": "sin3"}, "`activation`, expected a callable, a Keras activation's name or one of "
                                 "['saturable_absorber', 'sin2'], got 'sin3'"),
    ],
)
def test_bad_arguments_fail_at_construction(kwargs, message):
    arguments = {"units": 4, "weight_sets": 2, "repeats": 2, **kwargs}
    with pytest.raises(ValueError) as error:
        ReLaXBlock(**arguments)
    assert message in str(error.value)


@pytest.mark.parametrize("shape", [(2, 3, 4, 5), (2,)])
def test_wrong_input_rank_fails_at_build(shape):
    with pytest.raises(ValueError, match="expects a static input"):
        ReLaXBlock(4)(np.zeros(shape, "float32"))


def test_steps_per_input_with_static_input_fails_at_build():
    with pytest.raises(ValueError, match="`steps_per_input` applies to sequence inputs only"):
        ReLaXBlock(4, steps_per_input=2)(np.zeros((2, 3), "float32"))


def test_settings_are_read_only_properties():
    block = ReLaXBlock(4, 2, 3, schedule="cyclic")
    assert (block.units, block.weight_sets, block.repeats, block.depth) == (4, 2, 3, 6)
    assert block.schedule_positions == (0, 1, 0, 1, 0, 1)
    with pytest.raises(AttributeError):
        block.units = 5


def test_default_names_are_relax_block():
    keras.backend.clear_session()
    assert [ReLaXBlock(4).name for _ in range(3)] == ["relax_block", "relax_block_1", "relax_block_2"]
    assert ReLaXBlock(4, name="mine").name == "mine"


def built(shape, **kwargs):
    block = ReLaXBlock(4, weight_sets=2, **kwargs)
    block.build(shape)
    return block


@pytest.mark.parametrize("block_shape, call, message", [
    ((None, 7, 5), dict(inputs=np.zeros((2, 5))), r"built for inputs of shape \(batch, steps, 5\), got `inputs` of shape \(2, 5\)"),
    ((None, 5), dict(inputs=np.zeros((2, 7, 5))), r"built for inputs of shape \(batch, 5\), got `inputs` of shape \(2, 7, 5\)"),
    ((None, 7, 5), dict(inputs=np.zeros((2, 7, 6))), r"built for inputs of shape \(batch, steps, 5\), got `inputs` of shape \(2, 7, 6\)"),
    ((None, None, 5), dict(inputs=np.zeros((2, 0, 5))), r"got `inputs` of shape \(2, 0, 5\): a sequence needs at least one element"),
    ((None, 7, 5), dict(inputs=np.zeros((2, 7, 5)), initial_state=[np.zeros((2, 3)), np.zeros((2, 1), "int32")]),
     r"expects `initial_state` as a list \[h, k\] of shapes \(batch, 4\) and \(batch, 1\), got \[\(2, 3\), \(2, 1\)\]"),
    ((None, 7, 5), dict(inputs=np.zeros((2, 7, 5)), initial_state=np.zeros((2, 4))),
     r"expects `initial_state` as a list \[h, k\]"),
    ((None, 7, 5), dict(inputs=np.zeros((2, 7, 5)), initial_state=[np.zeros((2, 4))]),
     r"expects `initial_state` as a list \[h, k\]"),
    ((None, 5), dict(inputs=np.zeros((2, 5)), initial_state=[np.zeros((2, 4)), np.zeros((2, 1), "int32")]),
     r"takes no `initial_state` for a static input"),
])
def test_bad_call_inputs_fail_with_a_clear_error(block_shape, call, message):
    block = built(block_shape)
    call["inputs"] = call["inputs"].astype("float32")
    with pytest.raises(ValueError, match=message) as error:
        block(**call)
    assert f"Layer '{block.name}'" in str(error.value)


def test_unroll_needs_a_known_sequence_length():
    inputs = keras.Input((None, 5))
    with pytest.raises(ValueError, match="`unroll=True`, which needs the sequence length"):
        ReLaXBlock(4, unroll=True)(inputs)


@pytest.mark.parametrize("schedule", [{0, 1}, {0: 1, 1: 0}, iter([0, 1])])
def test_unordered_schedule_is_refused(schedule):
    with pytest.raises(ValueError, match=r"an ordered sequence \(list, tuple, array\) of 2 weight-set indices"):
        ReLaXBlock(4, weight_sets=2, schedule=schedule)


@pytest.mark.tensorflow  # bfloat16 is said only where TensorFlow runs on the CPU
def test_bfloat16_without_cpu_instructions_is_said_once(monkeypatch):
    from relax_keras.layers import _precision

    monkeypatch.setattr(_precision, "_warned", [])
    monkeypatch.setattr(_precision, "cpu_model_and_flags", lambda: ("Some CPU", {"avx2", "fma"}))
    with pytest.warns(UserWarning, match=r"Some CPU.*no bfloat16 instructions"):
        ReLaXBlock(4, dtype="mixed_bfloat16")(np.zeros((2, 3), "float32"))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        ReLaXBlock(4, dtype="mixed_bfloat16")(np.zeros((2, 3), "float32"))  # once per process
    monkeypatch.setattr(_precision, "_warned", [])
    monkeypatch.setattr(_precision, "cpu_model_and_flags", lambda: ("Other CPU", {"avx512_bf16"}))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        ReLaXBlock(4, dtype="mixed_bfloat16")(np.zeros((2, 3), "float32"))
        ReLaXBlock(4)(np.zeros((2, 3), "float32"))


@pytest.mark.parametrize("dtype", ["int32", "bool", "uint8"])
def test_a_dtype_that_is_not_floating_is_refused(dtype):
    with pytest.raises(ValueError, match=f"argument `dtype`: expected a floating dtype or policy .* got '{dtype}'"):
        ReLaXBlock(4, 2, 2, dtype=dtype)


@pytest.mark.parametrize("dtype", ["bfloat16", "float16"])
def test_half_precision_blocks_build_with_orthogonal_sets(dtype):
    block = ReLaXBlock(4, 2, 2, dtype=dtype)
    outputs = block(random_array(2, 3, 5))
    assert keras.backend.standardize_dtype(outputs.dtype) == dtype
    bank = numpy(block.cell.recurrent_kernel).astype("float32")
    np.testing.assert_allclose(bank[1] @ bank[1].T, np.eye(4), atol=0.05)
