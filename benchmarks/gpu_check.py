"""GPU check of ReLaXBlock on the Keras JAX backend (the GPU machine has JAX, not
TensorFlow): correctness against SimpleRNN, training under float32 / mixed_float16 /
mixed_bfloat16 with and without XLA (jit), and training throughput next to
keras.layers.SimpleRNN, pair by pair in one process.

Usage: KERAS_BACKEND=jax python benchmarks/gpu_check.py > benchmarks/results/gpu_check.txt
"""

import os
import time

os.environ.setdefault("KERAS_BACKEND", "jax")

import keras  # noqa: E402
import numpy as np  # noqa: E402

from relax_keras.layers.relax_block import ReLaXBlock  # noqa: E402


def check_equals_simple_rnn():
    x = np.random.default_rng(0).standard_normal((8, 20, 16)).astype("float32")
    block, rnn = ReLaXBlock(32, 1, 4), keras.layers.SimpleRNN(32)
    block(x), rnn(x)
    kernel, recurrent, bias = rnn.get_weights()
    block.set_weights([kernel, recurrent[None], bias[None]])
    return float(np.abs(np.asarray(block(x)) - np.asarray(rnn(x))).max())


def model(layer, length, features):
    inputs = keras.Input((length, features))
    return keras.Model(inputs, keras.layers.Dense(10, dtype="float32")(layer(inputs)))


def train_speed(policy, jit, width=128, weight_sets=4, repeats=8, length=32, features=96,
                batch=256, steps=20, runs=5):
    keras.config.set_dtype_policy(policy)
    rng = np.random.default_rng(0)
    x = rng.standard_normal((batch, length, features)).astype("float32")
    y = rng.integers(0, 10, batch)
    models = {
        "relax": model(ReLaXBlock(width, weight_sets, repeats), length, features),
        "simple_rnn": model(keras.layers.SimpleRNN(width), length, features),
    }
    losses, times = {}, {name: [] for name in models}
    for name, m in models.items():
        m.compile("adam", keras.losses.SparseCategoricalCrossentropy(from_logits=True), jit_compile=jit)
        for _ in range(3):
            m.train_on_batch(x, y)
    for _ in range(runs):
        for name, m in models.items():
            start = time.perf_counter()
            for _ in range(steps):
                losses[name] = float(m.train_on_batch(x, y))
            times[name].append((time.perf_counter() - start) / steps)
    keras.config.set_dtype_policy("float32")
    speed = {name: batch / np.median(t) for name, t in times.items()}
    return speed, losses


def main():
    import jax

    print(f"keras {keras.__version__}, backend {keras.backend.backend()}, devices {jax.devices()}")
    print(f"max |ReLaXBlock(L_W=1) - SimpleRNN| = {check_equals_simple_rnn():.2e}")
    for policy in ("float32", "mixed_float16", "mixed_bfloat16"):
        for jit in (False, True):
            speed, losses = train_speed(policy, jit)
            print(
                f"{policy:15s} jit={jit!s:5s} relax {speed['relax']:9.0f} ex/s, simple_rnn "
                f"{speed['simple_rnn']:9.0f} ex/s, ratio {speed['relax'] / speed['simple_rnn']:.2f}, "
                f"final losses relax {losses['relax']:.3f} simple_rnn {losses['simple_rnn']:.3f}",
                flush=True,
            )


if __name__ == "__main__":
    main()
