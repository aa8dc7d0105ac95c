"""Training step time of the zoo's models against Keras models of the same parameter
count, in one process: the Tiny Shakespeare model (deep transition: L_W * L_T switched
steps per character) against the SimpleRNN of the 250k family and against the same
model built from the naive cell (`keras.layers.RNN(SwitchCell(...))` over each
character's embedding repeated once per switched step, every L_W * L_T-th state kept),
and the MNIST flat-image model against a Dense stack sized to its parameter count.
With `--node-noise LEVEL`, the Tiny Shakespeare model with additive node noise instead,
trained by the fused engine (`engine="auto"`) against the scan engine.

The models train on random batches of the recipes' shapes (Shakespeare 64 x 100
characters, MNIST 128 images), with the compile settings of their constructors (Keras's
defaults: no XLA on a CPU). Each group is warmed up, then timed interleaved in `--runs`
repeats; each ratio is the median of the repeats' ratios (the other's time over the
ReLaX-Net's), with the smallest and largest. Every row names the CPU, its flags, the
versions and the commit.

Usage:
    python -m benchmarks.zoo_speed --output benchmarks/results/zoo_speed.csv --label after
    python -m benchmarks.zoo_speed --node-noise 0.05 --output benchmarks/results/noise_engines.csv --label after
"""

import argparse
import csv
import os
import pathlib
import time

FIELDS = ["label", "model", "implementation", "params", "batch", "runs", "step_ms", "ratio", "ratio_min",
          "ratio_max", "threads", "cpu", "tensorflow", "keras", "relax_keras", "commit"]


def naive_twin(relax):
    """The zoo's character model `relax` rebuilt from the naive cell: same embedding,
    the same switched steps per character through `RNN(SwitchCell)`, same head."""
    import keras

    from relax_keras import SwitchCell

    block = relax.get_layer("relax_block")
    embedding = next(layer for layer in relax.layers if isinstance(layer, keras.layers.Embedding))
    steps = block.steps_per_input
    tokens = keras.Input((None,), dtype="int32")
    x = keras.layers.Embedding(embedding.input_dim, embedding.output_dim)(tokens)
    x = keras.layers.Lambda(lambda t: keras.ops.repeat(t, steps, axis=1))(x)
    x = keras.layers.RNN(SwitchCell(block.units, block.weight_sets, block.repeats, schedule=block.schedule),
                         return_sequences=True)(x)
    x = keras.layers.Lambda(lambda t: t[:, steps - 1 :: steps])(x)
    outputs = keras.layers.Dense(relax.output_shape[-1])(x)
    model = keras.Model(tokens, outputs, name="naive_switch_cell")
    model.compile("adam", keras.losses.SparseCategoricalCrossentropy(from_logits=True))
    return model


def groups(node_noise=None):
    """Yields `(name, {implementation: model}, inputs, targets)`, the ReLaX-Net first."""
    import numpy as np

    from relax_keras import tasks
    from relax_keras import zoo
    from relax_keras.nonideal import NodeNoise
    from relax_keras.zoo.presets import PRESETS

    rng = np.random.default_rng(0)
    config = PRESETS["relax_2x2_tiny_shakespeare"]["config"]
    relax = zoo.shakespeare_relax(**config)
    tokens = rng.integers(0, relax.output_shape[-1], (64, 101))
    if node_noise:
        noisy = {}
        for engine in ("auto", "scan"):
            noisy[engine] = zoo.shakespeare_relax(**{**config, "activation": NodeNoise("tanh", node_noise, seed=0)})
            noisy[engine].get_layer("relax_block").engine = engine
        yield f"tiny_shakespeare_node_noise_{node_noise}", {"relax": noisy["auto"], "scan": noisy["scan"]}, \
            tokens[:, :-1], tokens[:, 1:]
        return
    yield ("tiny_shakespeare", {"relax": relax, "simple_rnn": zoo.from_preset("shakespeare_simple_rnn"),
                                "naive": naive_twin(relax)}, tokens[:, :-1], tokens[:, 1:])
    relax = zoo.image_relax(**{**PRESETS["relax_2x2_mnist_flat"]["config"], "augmentation": 0.0})  # the network alone
    dense = tasks.get("mnist").build_baseline("dense", relax.count_params(), encoding="flat")
    images = rng.random((128, 28, 28, 1)).astype("float32")
    yield "mnist", {"relax": relax, "dense": dense}, images, rng.integers(0, 10, 128)


def measure(runs, steps, node_noise=None):
    """Returns one row per model: its median training step time and its ratio."""
    import numpy as np

    rows = []
    for name, models, inputs, targets in groups(node_noise):
        for model in models.values():
            for _ in range(3):  # warm-up: tracing, allocation
                model.train_on_batch(inputs, targets)
        times = {key: [] for key in models}
        for _ in range(runs):
            for key, model in models.items():
                start = time.perf_counter()
                for _ in range(steps):
                    model.train_on_batch(inputs, targets)
                times[key].append((time.perf_counter() - start) / steps)
        times = {key: np.array(value) for key, value in times.items()}
        for key, model in models.items():
            ratios = times[key] / times["relax"]
            rows.append({
                "model": name, "implementation": key, "params": model.count_params(), "batch": len(inputs),
                "runs": runs, "step_ms": round(1e3 * float(np.median(times[key])), 2),
                **({} if key == "relax" else {"ratio": round(float(np.median(ratios)), 3),
                                               "ratio_min": round(float(ratios.min()), 3),
                                               "ratio_max": round(float(ratios.max()), 3)}),
            })
    return rows


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--output", required=True, help="the CSV to append to")
    parser.add_argument("--label", required=True, help="what this run measures, e.g. before / after")
    parser.add_argument("--runs", type=int, default=7, help="timed runs; the median is kept")
    parser.add_argument("--steps", type=int, default=3, help="steps per timed run")
    parser.add_argument("--node-noise", type=float, help="time the noisy Shakespeare model's engines instead")
    args = parser.parse_args()

    from relax_keras._provenance import provenance

    common = {"label": args.label, "threads": os.environ.get("TF_NUM_INTRAOP_THREADS", "default"),
              **provenance()}
    output = pathlib.Path(args.output)
    new = not output.exists()
    output.parent.mkdir(parents=True, exist_ok=True)
    with open(output, "a", newline="") as file:
        writer = csv.DictWriter(file, FIELDS)
        if new:
            writer.writeheader()
        for row in measure(args.runs, args.steps, args.node_noise):
            writer.writerow({**common, **row})
            print(row, flush=True)


if __name__ == "__main__":
    main()
