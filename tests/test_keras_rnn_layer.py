"""ReLaXBlock as a Keras RNN layer: masks, go_backwards and Bidirectional, stateful
calls, dropout, and the engine argument. `keras.ops` and NumPy only: every backend."""

import keras
import numpy as np
import pytest
from keras import ops

from relax_keras import ReLaXBlock
from relax_keras.nonideal import NodeNoise

SCHEDULES = ["blocked", "cyclic", [1, 0, 2, 2, 0, 1]]


def random_array(*shape, seed=0):
    return np.random.default_rng(seed).standard_normal(shape).astype("float32")


def numpy(x):
    return ops.convert_to_numpy(x)


def padded(sequence, before, after):
    """`sequence` (B, T, d) with `before` and `after` zero elements, and its mask."""
    batch, steps, features = sequence.shape
    zeros = lambda n: np.zeros((batch, n, features), "float32")
    mask = np.concatenate([np.zeros((batch, before)), np.ones((batch, steps)), np.zeros((batch, after))], 1)
    return np.concatenate([zeros(before), sequence, zeros(after)], 1), mask.astype(bool)


@pytest.mark.parametrize("schedule", SCHEDULES)
@pytest.mark.parametrize("before, after", [(0, 3), (2, 0), (2, 1)])
def test_a_padded_sequence_gives_the_unpadded_output(schedule, before, after):
    sequence = random_array(3, 5, 4)
    block = ReLaXBlock(6, weight_sets=3, repeats=2, schedule=schedule, steps_per_input=2,
                       bias_initializer="random_normal", return_sequences=True, return_state=True)
    expected, expected_h, expected_k = block(sequence)
    inputs, mask = padded(sequence, before, after)
    outputs, h, k = block(inputs, mask=mask)
    np.testing.assert_allclose(numpy(h), numpy(expected_h), atol=1e-6)
    np.testing.assert_array_equal(numpy(k), numpy(expected_k))  # the step counter did not move
    np.testing.assert_allclose(numpy(outputs)[:, before:before + 5], numpy(expected), atol=1e-6)
    np.testing.assert_array_equal(numpy(outputs)[:, :before], 0)  # nothing shown yet
    np.testing.assert_allclose(numpy(outputs)[:, before + 5:], np.repeat(numpy(expected_h)[:, None], after, 1),
                               atol=1e-6)  # the last state, held


def test_masks_differ_per_sample_and_follow_an_embedding():
    tokens = np.array([[3, 1, 4, 0, 0], [0, 0, 5, 9, 2], [2, 6, 5, 3, 5]])
    embedding = keras.layers.Embedding(10, 4, mask_zero=True)
    block = ReLaXBlock(6, weight_sets=2, repeats=3, schedule="cyclic")
    outputs = numpy(block(embedding(tokens)))
    for row, kept in zip(range(3), [slice(0, 3), slice(2, 5), slice(0, 5)]):
        alone = numpy(block(embedding(tokens[row:row + 1, kept])))
        np.testing.assert_allclose(outputs[row:row + 1], alone, atol=1e-6)


@pytest.mark.parametrize("return_sequences", [False, True])
def test_masked_single_weight_set_equals_simple_rnn(return_sequences):
    inputs, mask = padded(random_array(4, 6, 5), 1, 2)
    mask[0, 4] = False  # a gap inside the sequence too
    block = ReLaXBlock(7, return_sequences=return_sequences)
    rnn = keras.layers.SimpleRNN(7, return_sequences=return_sequences)
    block(inputs), rnn(inputs)
    kernel, recurrent, bias = rnn.get_weights()
    block.set_weights([kernel, recurrent[None], bias[None]])
    np.testing.assert_allclose(numpy(block(inputs, mask=mask)), numpy(rnn(inputs, mask=mask)), atol=1e-5)


def test_go_backwards_runs_the_reversed_sequence():
    sequence = random_array(2, 7, 3)
    forward = ReLaXBlock(5, weight_sets=2, repeats=2, return_sequences=True)
    backward = ReLaXBlock(5, weight_sets=2, repeats=2, return_sequences=True, go_backwards=True)
    forward(sequence), backward(sequence)
    backward.set_weights(forward.get_weights())
    np.testing.assert_allclose(numpy(backward(sequence)), numpy(forward(sequence[:, ::-1])), atol=1e-6)


def test_go_backwards_and_stateful_refuse_a_static_input():
    with pytest.raises(ValueError, match="`go_backwards` applies to sequence inputs only"):
        ReLaXBlock(4, go_backwards=True)(np.zeros((2, 3), "float32"))


def test_bidirectional_builds_trains_saves_and_reloads(tmp_path):
    tokens = np.random.default_rng(0).integers(1, 20, (32, 9))
    tokens[:8, 6:] = 0  # some padding
    labels = tokens[:, 0] % 2
    inputs = keras.Input((9,), dtype="int32")
    embedded = keras.layers.Embedding(20, 8, mask_zero=True)(inputs)
    merged = keras.layers.Bidirectional(ReLaXBlock(6, weight_sets=2, repeats=2))(embedded)
    model = keras.Model(inputs, keras.layers.Dense(2)(merged))
    model.compile("adam", keras.losses.SparseCategoricalCrossentropy(from_logits=True))
    history = model.fit(tokens, labels, epochs=3, batch_size=8, verbose=0)
    assert history.history["loss"][-1] < history.history["loss"][0]
    layer = model.layers[2]
    assert (layer.forward_layer.go_backwards, layer.backward_layer.go_backwards) == (False, True)
    model.save(tmp_path / "bidirectional.keras")
    loaded = keras.saving.load_model(tmp_path / "bidirectional.keras")
    np.testing.assert_allclose(numpy(loaded.predict(tokens, verbose=0)), numpy(model.predict(tokens, verbose=0)),
                               atol=1e-5)


def test_stateful_over_two_halves_equals_one_whole_sequence():
    sequence = random_array(3, 8, 4)
    whole = ReLaXBlock(5, weight_sets=3, repeats=1, return_state=True)
    stateful = ReLaXBlock(5, weight_sets=3, repeats=1, stateful=True)
    model = keras.Sequential([keras.Input((4, 4), batch_size=3), stateful])
    whole(sequence)
    stateful.set_weights(whole.get_weights())  # the same weights as the block without state
    expected, _, expected_k = whole(sequence)
    model(sequence[:, :4])  # called directly: JAX's compiled `predict` keeps no state (as SimpleRNN's)
    second = numpy(model(sequence[:, 4:]))
    np.testing.assert_allclose(second, numpy(expected), atol=1e-5)
    np.testing.assert_array_equal(numpy(stateful.states[1]), numpy(expected_k))
    stateful.reset_state()
    np.testing.assert_allclose(numpy(model(sequence[:, :4])), numpy(whole(sequence[:, :4])[0]), atol=1e-5)


def test_stateful_needs_a_fixed_batch_size():
    with pytest.raises(ValueError, match="stateful, which needs a fixed batch size"):
        keras.Sequential([keras.Input((4, 4)), ReLaXBlock(5, stateful=True)])


@pytest.mark.parametrize("option", ["dropout", "recurrent_dropout"])
def test_dropout_is_on_in_training_only_and_follows_its_seed(option):
    sequence = random_array(4, 6, 5)
    blocks = [ReLaXBlock(8, weight_sets=2, seed=3, **{option: 0.5}) for _ in range(2)]
    for block in blocks:
        block(sequence)
    blocks[1].set_weights(blocks[0].get_weights())
    plain = numpy(blocks[0](sequence))
    trained = [numpy(block(sequence, training=True)) for block in blocks]
    np.testing.assert_allclose(trained[0], trained[1], atol=1e-6)  # the same seed, the same masks
    assert np.abs(trained[0] - plain).max() > 1e-3
    np.testing.assert_allclose(numpy(blocks[1](sequence)), plain, atol=1e-6)


@pytest.mark.parametrize("name, value", [("dropout", 1.0), ("recurrent_dropout", -0.1),
                                         ("dropout", float("nan")), ("engine", "fast")])
def test_bad_rnn_options_name_the_argument(name, value):
    with pytest.raises(ValueError, match=f"`{name}`"):
        ReLaXBlock(4, **{name: value})


def test_new_options_survive_the_config_round_trip():
    block = ReLaXBlock(4, go_backwards=True, stateful=True, dropout=0.1, recurrent_dropout=0.2, seed=5,
                       zero_output_for_mask=True, engine="scan")
    config = block.get_config()
    again = ReLaXBlock.from_config(config)
    assert again.get_config() == config
    assert (again.go_backwards, again.stateful, again.engine, again.seed) == (True, True, "scan", 5)


def test_node_noise_trains_inside_the_loop():
    sequence = random_array(4, 6, 3)
    labels = np.arange(4) % 2
    model = keras.Sequential([
        keras.Input((6, 3)),
        ReLaXBlock(8, weight_sets=2, repeats=2, activation=NodeNoise("tanh", additive_stddev=0.1, seed=1)),
        keras.layers.Dense(2),
    ])
    model.compile("adam", keras.losses.SparseCategoricalCrossentropy(from_logits=True), jit_compile=False)
    model.fit(sequence, labels, epochs=2, verbose=0)
    block = model.layers[0]
    noisy = [numpy(block(sequence, training=True)) for _ in range(2)]
    assert np.abs(noisy[0] - noisy[1]).max() > 1e-3  # fresh noise each call
    np.testing.assert_allclose(numpy(block(sequence)), numpy(block(sequence)))  # none at inference
