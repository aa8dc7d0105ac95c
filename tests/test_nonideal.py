import numpy as np
import pytest

import keras
from keras import ops
from relax_keras import ReLaXBlock
from relax_keras import load_model
from relax_keras import physics
from relax_keras.hardware import export
from relax_keras.hardware import load
from relax_keras.hardware import simulate
from relax_keras.nonideal import NodeNoise
from relax_keras.nonideal import ProgrammingNoise
from relax_keras.nonideal import Quantization

X = np.random.default_rng(0).standard_normal((4, 6, 3)).astype("float32")


def test_node_noise_is_on_in_training_only_unless_asked():
    block = ReLaXBlock(5, 2, 2, activation=NodeNoise("tanh", additive_stddev=0.1, multiplicative_stddev=0.1))
    clean = ReLaXBlock.from_config({**block.get_config(), "activation": "tanh"})
    clean.build(X.shape), block.build(X.shape)
    clean.set_weights(block.get_weights())
    expected = ops.convert_to_numpy(clean(X))
    np.testing.assert_allclose(ops.convert_to_numpy(block(X, training=False)), expected, atol=1e-6)
    noisy = ops.convert_to_numpy(block(X, training=True))
    assert 0 < np.abs(noisy - expected).mean() < 0.5
    always = NodeNoise("tanh", additive_stddev=0.1, at_inference=True)
    assert not np.allclose(ops.convert_to_numpy(always(np.zeros((3, 4), "float32"))), 0)


def test_programming_noise_draws_per_set_per_evaluation():
    noise = ProgrammingNoise(relative_stddev=0.1, seed=3)
    bank = ops.ones((3, 4, 4))
    first, second = (ops.convert_to_numpy(noise(bank, None, training=True)[0]) for _ in range(2))
    assert not np.allclose(first, second)  # a new draw each evaluation
    assert not np.allclose(first[0], first[1])  # independent per weight set
    np.testing.assert_array_equal(ops.convert_to_numpy(noise(bank, None, training=False)[0]), np.ones((3, 4, 4)))


def test_quantization_levels_range_and_straight_through_gradient():
    """One SGD step of rate 1 on `sum(quantized * slopes)` moves each weight by its
    slope, clipped ones included: the gradient passes the rounding unchanged."""
    quantize = Quantization(bits=2, limit=1.0)
    initial = np.array([[-3.0, -0.4, 0.1, 0.2, 0.9]], "float32")
    slopes = np.array([[1.0, 2.0, 3.0, 4.0, 5.0]], "float32")
    quantized, _ = quantize(initial, None)
    np.testing.assert_allclose(ops.convert_to_numpy(quantized), [[-1.0, -1 / 3, 1 / 3, 1 / 3, 1.0]], atol=1e-6)

    class QuantizedWeights(keras.layers.Layer):
        def build(self, input_shape):
            self.w = self.add_weight(shape=initial.shape, initializer=keras.initializers.Constant(initial))

        def call(self, inputs):
            return inputs * ops.sum(ops.multiply(quantize(self.w, None)[0], slopes))

    model = keras.Sequential([keras.Input((1,)), QuantizedWeights()])
    model.compile(keras.optimizers.SGD(1.0), lambda _, predicted: ops.sum(predicted))
    model.train_on_batch(np.ones((1, 1), "float32"), np.zeros((1, 1), "float32"))
    np.testing.assert_allclose(ops.convert_to_numpy(model.layers[0].w), initial - slopes, atol=1e-6)


def test_non_ideal_block_trains_saves_and_exports_the_programmed_weights(tmp_path):
    inputs = keras.Input((6, 3))
    block = ReLaXBlock(
        5, 2, 2, activation=NodeNoise("sin2", additive_stddev=0.05),
        weight_programming=[ProgrammingNoise(relative_stddev=0.05), Quantization(bits=4, limit=1.0)],
    )
    model = keras.Model(inputs, block(inputs))
    model.compile("adam", "mse")
    model.fit(X, np.zeros((4, 5)), epochs=2, verbose=0)
    model.save(tmp_path / "m.keras")
    reloaded = load_model(tmp_path / "m.keras")
    np.testing.assert_array_equal(model.predict_on_batch(X), reloaded.predict_on_batch(X))
    spec = load(export(model, tmp_path / "m"))
    bank = spec["arrays"][spec["stages"][0]["arrays"]["recurrent_kernel"]]
    assert len(np.unique(bank)) <= 16 and np.abs(bank).max() <= 1.0
    np.testing.assert_allclose(simulate(spec, X), model.predict_on_batch(X), atol=1e-5)


@pytest.mark.parametrize("name", ["sin2", "saturable_absorber"])
def test_physical_activations_match_their_curves(name):
    x = np.linspace(-3, 3, 13).astype("float32")
    block = ReLaXBlock(1, activation=name)
    np.testing.assert_allclose(ops.convert_to_numpy(block.activation(x)), physics.NONLINEARITIES[name](x), atol=1e-6)
    assert physics.sin2(np.pi / 2) == pytest.approx(1.0)
    assert physics.saturable_absorber(0.0) == 0.0
    assert physics.saturable_absorber(10.0) == pytest.approx(10.0 * np.exp(-1 / 101))


@pytest.mark.parametrize(
    "build, message",
    [
        (lambda: NodeNoise(additive_stddev=-0.1), "`additive_stddev`, expected a finite number >= 0, got -0.1"),
        (lambda: ProgrammingNoise(relative_stddev="a"), "`relative_stddev`, expected a finite number >= 0, got 'a'"),
        (lambda: Quantization(bits=0), "`bits`, expected an integer >= 1, got 0"),
    ],
)
def test_bad_non_ideality_arguments(build, message):
    with pytest.raises(ValueError) as raised:
        build()
    assert message in str(raised.value)
