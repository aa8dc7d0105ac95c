"""Every weight set starts as its own draw, reproducibly when seeded."""

import hashlib
import json
import subprocess
import sys
import time

import numpy as np
import pytest

import keras
from relax_keras import ReLaXBlock

RANDOM_INITIALIZERS = [
    "orthogonal", "glorot_uniform", "glorot_normal", "he_uniform", "he_normal",
    "lecun_uniform", "lecun_normal", "random_normal", "random_uniform", "truncated_normal",
]


def built_block(units=16, weight_sets=4, **kwargs):
    block = ReLaXBlock(units, weight_sets=weight_sets, repeats=1, **kwargs)
    block.build((None, 5, 8))
    return block


def bank_of(block):
    return keras.ops.convert_to_numpy(block.cell.recurrent_kernel)


@pytest.mark.parametrize("initializer", RANDOM_INITIALIZERS)
def test_weight_sets_differ_and_each_is_drawn_like_one_matrix(initializer):
    bank = bank_of(built_block(recurrent_initializer=initializer))
    single = keras.ops.convert_to_numpy(keras.initializers.get(initializer)((16, 16)))
    for i in range(4):
        for j in range(i):
            assert np.abs(bank[i] - bank[j]).max() > bank.std(), (i, j)
        # same scale as one matrix drawn alone (fans of a set, not of the bank)
        assert 0.75 < bank[i].std() / single.std() < 1.33, (i, bank[i].std(), single.std())


def test_orthogonal_bank_has_orthogonal_sets():
    bank = bank_of(built_block(weight_sets=3, recurrent_initializer=keras.initializers.Orthogonal(gain=2.0)))
    for matrix in bank:
        np.testing.assert_allclose(matrix @ matrix.T, 4.0 * np.eye(16), atol=1e-4)


@pytest.mark.parametrize("initializer", ["random_normal", "glorot_uniform"])
def test_random_bias_initializer_draws_each_set(initializer):
    biases = keras.ops.convert_to_numpy(built_block(bias_initializer=initializer).cell.bias)
    assert min(np.abs(biases[i] - biases[0]).max() for i in range(1, 4)) > 0.01


def test_deterministic_initializers_give_every_set_the_same_value():
    block = built_block(recurrent_initializer="identity", bias_initializer=keras.initializers.Constant(0.5))
    np.testing.assert_array_equal(bank_of(block), np.broadcast_to(np.eye(16), (4, 16, 16)))
    np.testing.assert_array_equal(keras.ops.convert_to_numpy(block.cell.bias), np.full((4, 16), 0.5))


def test_custom_initializer_is_called_once_per_set():
    shapes = []

    def initializer(shape, dtype=None):
        shapes.append(tuple(shape))
        return keras.ops.ones(shape, dtype) * len(shapes)

    bank = bank_of(built_block(weight_sets=3, recurrent_initializer=initializer))
    assert shapes == [(16, 16)] * 3
    np.testing.assert_array_equal(bank[:, 0, 0], [1, 2, 3])


INITIALIZERS = ["Orthogonal", "GlorotUniform"]
SEEDED_BANK_DIGESTS = """
import hashlib, json, os
os.environ["TF_CPP_MIN_LOG_LEVEL"] = "3"
import keras
from relax_keras import ReLaXBlock
digests = {{}}
for name in {names}:
    block = ReLaXBlock(16, weight_sets=4, recurrent_initializer=getattr(keras.initializers, name)(seed=7),
                       bias_initializer=keras.initializers.RandomNormal(seed=8))
    block.build((None, 5, 8))
    digests[name] = hashlib.sha256(keras.ops.convert_to_numpy(block.cell.recurrent_kernel).tobytes()
                                   + keras.ops.convert_to_numpy(block.cell.bias).tobytes()).hexdigest()
print(json.dumps(digests))
"""


@pytest.mark.slow
def test_seeded_bank_is_the_same_bit_for_bit_in_a_fresh_process():
    digests = {}
    for name in INITIALIZERS:
        block = ReLaXBlock(16, weight_sets=4, recurrent_initializer=getattr(keras.initializers, name)(seed=7),
                           bias_initializer=keras.initializers.RandomNormal(seed=8))
        block.build((None, 5, 8))
        assert np.abs(bank_of(block)[1] - bank_of(block)[0]).max() > 0.1, name
        digests[name] = hashlib.sha256(bank_of(block).tobytes()
                                       + keras.ops.convert_to_numpy(block.cell.bias).tobytes()).hexdigest()
    fresh = subprocess.run([sys.executable, "-c", SEEDED_BANK_DIGESTS.format(names=INITIALIZERS)],
                           capture_output=True, text=True, check=True)
    assert json.loads(fresh.stdout.strip().splitlines()[-1]) == digests


def test_a_million_weight_sets_build_in_seconds():
    start = time.perf_counter()
    block = built_block(units=4, weight_sets=10**6)
    assert time.perf_counter() - start < 60
    bank = bank_of(block)
    assert bank.shape == (10**6, 4, 4)
    np.testing.assert_allclose(bank[-1] @ bank[-1].T, np.eye(4), atol=1e-4)


def test_a_bank_too_large_for_memory_is_refused_before_allocating():
    start = time.perf_counter()
    with pytest.raises(ValueError, match=r"`weight_sets`=1000000000 asks for weights of shape \(1000000000, 512, 512\)"):
        ReLaXBlock(512, weight_sets=10**9)
    assert time.perf_counter() - start < 1
