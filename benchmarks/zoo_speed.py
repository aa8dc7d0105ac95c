"""Training step time of the zoo's models against a Keras model of the same parameter
count, in one process: the Tiny Shakespeare model (deep transition: L_W * L_T switched
steps per character) against the SimpleRNN of the 250k family, and the MNIST flat-image
model against a Dense stack sized to its parameter count.

The models train on random batches of the recipes' shapes (Shakespeare 64 x 100
characters, MNIST 128 images), with the compile settings of their constructors (Keras's
defaults: no XLA on a CPU). Each pair is warmed up, then timed interleaved; the median
of the runs is kept. Every row names the CPU, its flags, the versions and the commit.

Usage:
    python benchmarks/zoo_speed.py --output benchmarks/results/zoo_speed.csv --label after
"""

import argparse
import csv
import os
import pathlib
import time

FIELDS = ["label", "model", "implementation", "params", "batch", "step_ms", "ratio_vs_keras",
          "threads", "cpu", "tensorflow", "keras", "relax_keras", "commit"]


def pairs():
    """Yields `(name, relax model, Keras model, inputs, targets)` for each zoo model."""
    import numpy as np

    from relax_keras import tasks
    from relax_keras import zoo
    from relax_keras.zoo.presets import PRESETS

    rng = np.random.default_rng(0)
    relax = zoo.shakespeare_relax(**PRESETS["tiny_shakespeare"]["config"])
    keras_model = zoo.from_preset("shakespeare_simple_rnn")
    tokens = rng.integers(0, relax.output_shape[-1], (64, 101))
    yield "tiny_shakespeare", relax, keras_model, tokens[:, :-1], tokens[:, 1:]
    relax = zoo.image_relax(**{**PRESETS["mnist"]["config"], "augmentation": 0.0})  # the network alone
    keras_model = tasks.get("mnist").build_baseline("dense", relax.count_params(), encoding="flat")
    images = rng.random((128, 28, 28, 1)).astype("float32")
    yield "mnist", relax, keras_model, images, rng.integers(0, 10, 128)


def measure(runs, steps):
    """Returns one row per model: its median training step time."""
    import numpy as np

    rows = []
    for name, relax, keras_model, inputs, targets in pairs():
        models = {"relax": relax, "keras": keras_model}
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
        medians = {key: float(np.median(value)) for key, value in times.items()}
        for key, model in models.items():
            rows.append({
                "model": name, "implementation": model.name, "params": model.count_params(),
                "batch": len(inputs), "step_ms": round(1e3 * medians[key], 2),
                "ratio_vs_keras": round(medians["keras"] / medians["relax"], 3) if key == "relax" else "",
            })
    return rows


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--output", required=True, help="the CSV to append to")
    parser.add_argument("--label", required=True, help="what this run measures, e.g. before / after")
    parser.add_argument("--runs", type=int, default=7, help="timed runs; the median is kept")
    parser.add_argument("--steps", type=int, default=3, help="steps per timed run")
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
        for row in measure(args.runs, args.steps):
            writer.writerow({**common, **row})
            print(row, flush=True)


if __name__ == "__main__":
    main()
