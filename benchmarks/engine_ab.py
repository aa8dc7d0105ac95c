"""The fused engine of a past commit against the checkout's, interleaved in one process.

Loads `relax_keras/layers/_fused.py` as it was at `--before` (a git ref) beside the
checkout's, and times, alternating between them in `--runs` repeats:
- `recurrence`: the switched recurrence alone, forward and backward (a `tf.function`
  with a gradient tape; inputs `(T, B, N)`, a cyclic schedule), and
- `train_step`: `train_on_batch` of `Input (T, 96) -> ReLaXBlock -> Dense(10)` (Keras
  defaults), traced once with each engine,
plus SimpleRNN and the naive `RNN(SwitchCell)` for the train step; with `--zoo`, the
train step of the zoo's Tiny Shakespeare model too (against its naive-cell twin and the
SimpleRNN of its budget, `benchmarks/zoo_speed.py`). Each ratio is the
median of the repeats' ratios (before's time / after's), with the smallest and largest.
Rows are appended to `--output` with the CPU, its flags and the versions.

    python -m benchmarks.engine_ab --before HEAD~1 --weight-sets 4 16 --zoo \\
        --output benchmarks/results/issue35/engine_ab.csv
"""

import argparse
import csv
import importlib.util
import pathlib
import subprocess
import sys
import tempfile
import time

import numpy as np

ROOT = pathlib.Path(__file__).resolve().parents[1]
FUSED = "relax_keras/layers/_fused.py"
FIELDS = ["model", "units", "length", "batch_size", "weight_sets", "runs", "steps", "before",
          "recurrence_ms_before", "recurrence_ms_after", "recurrence_before_over_after",
          "step_ms_before", "step_ms_after", "step_ms_simple_rnn", "step_ms_naive", "step_before_over_after",
          "step_simple_rnn_over_after", "step_naive_over_after", "step_simple_rnn_over_before",
          "commit", "cpu", "relax_keras", "tensorflow", "keras"]


def engine_at(ref):
    """The module `_fused` as it was at the git `ref`."""
    source = subprocess.run(["git", "show", f"{ref}:{FUSED}"], cwd=ROOT, check=True, capture_output=True,
                            text=True).stdout
    path = pathlib.Path(tempfile.mkdtemp()) / "fused_before.py"
    path.write_text(source)
    spec = importlib.util.spec_from_file_location("fused_before", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def recurrence_step(engine, units, length, batch, weight_sets):
    import keras
    import tensorflow as tf

    rng = np.random.default_rng(0)
    state = tf.constant(rng.standard_normal((batch, units)).astype("float32"))
    bank = tf.constant(0.05 * rng.standard_normal((weight_sets, units, units)).astype("float32"))
    bias = tf.constant(np.zeros((weight_sets, units), "float32"))
    inputs = tf.constant(rng.standard_normal((length, batch, units)).astype("float32"))
    sets = tf.constant([k % weight_sets for k in range(length)], tf.int32)

    @tf.function
    def step():
        with tf.GradientTape() as tape:
            tape.watch([bank, bias])
            last = engine.switched_recurrence(keras.activations.tanh, state, bank, sets, -(-length // weight_sets),
                                              False, inputs=inputs, bias=bias,
                                              schedule=list(range(weight_sets)))
            loss = tf.reduce_sum(last)
        return tape.gradient(loss, [bank, bias])

    return lambda: [g.numpy() for g in step()]


def layer_model(units, length, batch, weight_sets, implementation="relax"):
    """The benchmark's model and a random batch of its inputs and targets."""
    import keras

    from benchmarks.layer_speed import build_model

    rng = np.random.default_rng(0)
    keras.utils.set_random_seed(0)
    model = build_model(implementation, "sequence", units, length, weight_sets, 1)
    model.compile("adam", keras.losses.SparseCategoricalCrossentropy(from_logits=True))
    return model, rng.standard_normal((batch, length, 96)).astype("float32"), rng.integers(0, 10, batch)


def zoo_model(implementation="relax"):
    """The zoo's Tiny Shakespeare model (or its naive-cell twin, or the SimpleRNN of its
    budget) and a random batch of the recipe's shape (64 x 100 characters)."""
    from benchmarks.zoo_speed import naive_twin
    from relax_keras import zoo
    from relax_keras.zoo.presets import PRESETS

    relax = zoo.shakespeare_relax(**PRESETS["relax_2x2_tiny_shakespeare"]["config"])
    model = {"relax": lambda: relax, "naive": lambda: naive_twin(relax),
             "simple_rnn": lambda: zoo.from_preset("shakespeare_simple_rnn")}[implementation]()
    tokens = np.random.default_rng(0).integers(0, relax.output_shape[-1], (64, 101))
    return model, tokens[:, :-1], tokens[:, 1:]


def train_step(engine, made):
    """`train_on_batch` of the model `made` (model, inputs, targets), traced with `engine`
    (`None`: the checkout's)."""
    import relax_keras.layers

    model, x, y = made
    checkout = relax_keras.layers._fused
    sys.modules["relax_keras.layers._fused"] = relax_keras.layers._fused = engine or checkout
    try:
        model.train_on_batch(x, y)  # traced with this engine
    finally:
        sys.modules["relax_keras.layers._fused"] = relax_keras.layers._fused = checkout
    return lambda: model.train_on_batch(x, y)


def timed(functions, runs, steps):
    for function in functions.values():
        for _ in range(2):
            function()
    times = {name: [] for name in functions}
    for _ in range(runs):  # interleaved
        for name, function in functions.items():
            start = time.perf_counter()
            for _ in range(steps):
                function()
            times[name].append((time.perf_counter() - start) / steps)
    return {name: np.array(values) for name, values in times.items()}


def spread(ratios):
    return round(float(np.median(ratios)), 3), round(float(ratios.min()), 3), round(float(ratios.max()), 3)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--before", required=True, help="the git ref whose engine is compared")
    parser.add_argument("--units", type=int, nargs="+", default=[128])
    parser.add_argument("--weight-sets", type=int, nargs="*", default=[4, 16])
    parser.add_argument("--length", type=int, default=32)
    parser.add_argument("--batch-size", type=int, default=256)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--steps", type=int, default=10)
    parser.add_argument("--zoo", action="store_true", help="the zoo's Tiny Shakespeare model too")
    parser.add_argument("--output", required=True)
    args = parser.parse_args()

    from relax_keras._provenance import provenance
    from relax_keras.layers import _fused as after

    before = engine_at(args.before)
    output = pathlib.Path(args.output)
    output.parent.mkdir(parents=True, exist_ok=True)
    shapes = [(units, args.length, args.batch_size, weight_sets)
              for units in args.units for weight_sets in args.weight_sets]
    for shape in shapes + (["zoo"] if args.zoo else []):
        row = {"model": "layer" if shape != "zoo" else "tiny_shakespeare_zoo", "runs": args.runs,
               "steps": args.steps, "before": args.before}
        if shape != "zoo":
            units, length, batch, weight_sets = shape
            row.update(units=units, length=length, batch_size=batch, weight_sets=weight_sets)
            recurrence = timed({"before": recurrence_step(before, *shape), "after": recurrence_step(after, *shape)},
                               args.runs, args.steps)
            row.update({"recurrence_ms_before": round(1e3 * np.median(recurrence["before"]), 3),
                        "recurrence_ms_after": round(1e3 * np.median(recurrence["after"]), 3),
                        "recurrence_before_over_after": spread(recurrence["before"] / recurrence["after"])})
        make = (lambda *kind: layer_model(*shape, *kind)) if shape != "zoo" else zoo_model
        step = timed({"before": train_step(before, make()), "after": train_step(None, make()),
                      "simple_rnn": train_step(None, make("simple_rnn")),
                      "naive": train_step(None, make("naive"))}, args.runs, args.steps)
        row.update({**{f"step_ms_{name}": round(1e3 * np.median(values), 3) for name, values in step.items()},
                    "step_before_over_after": spread(step["before"] / step["after"]),
                    "step_simple_rnn_over_after": spread(step["simple_rnn"] / step["after"]),
                    "step_naive_over_after": spread(step["naive"] / step["after"]),
                    "step_simple_rnn_over_before": spread(step["simple_rnn"] / step["before"]),
                    **provenance()})
        print(row, flush=True)
        new_file = not output.exists()
        with open(output, "a", newline="") as file:
            writer = csv.DictWriter(file, FIELDS, lineterminator="\n")
            if new_file:
                writer.writeheader()
            writer.writerow(row)


if __name__ == "__main__":
    main()
