"""Robustness of trained ReLaX-Nets to hardware non-idealities at inference.

For each trained run (`relax-keras train` output directories), rebuilds the model with
node noise on at inference (`NodeNoise(at_inference=True)`, additive, relative to 1)
or with its weight bank quantized after training (`Quantization(bits, limit=max|W|)`),
loads the trained weights, and evaluates on the validation split: accuracy for images,
nats per character for text. Noise results are the mean over `--noise-seeds` draws.

Usage:
    python experiments/robustness/robustness.py --runs RUN_DIR [RUN_DIR ...] \
        --local-dir ../shared/data/mnist --output experiments/robustness/results/mnist.csv
"""

import argparse
import csv
import json
import pathlib

import keras
import numpy as np

from relax_keras import load_model
from relax_keras.cli import tasks
from relax_keras.nonideal import NodeNoise
from relax_keras.nonideal import Quantization

NOISE_LEVELS = (0.0, 0.01, 0.02, 0.05, 0.1, 0.2)
WEIGHT_BITS = (2, 3, 4, 5, 6, 8)


def variant(trained, activation=None, weight_programming=()):
    """Rebuilds `trained` with another activation or weight programming, same weights."""
    config = trained.get_config()
    for layer in config["layers"]:
        if layer["class_name"] == "ReLaXBlock":
            if activation is not None:
                layer["config"]["activation"] = keras.saving.serialize_keras_object(activation)
            layer["config"]["weight_programming"] = [
                keras.saving.serialize_keras_object(stage) for stage in weight_programming
            ]
    model = keras.Model.from_config(config)
    model.set_weights(trained.get_weights())
    model.compile(loss=trained.loss, metrics=["accuracy"])
    return model


def score(args, model, dataset):
    results = tasks.evaluate(args, model, dataset)
    return results["loss"] if args.task == "shakespeare" else results["accuracy"]


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", nargs="+", required=True)
    parser.add_argument("--local-dir")
    parser.add_argument("--noise-seeds", type=int, default=3)
    parser.add_argument("--output", required=True)
    cli = parser.parse_args()
    rows = []
    for run in map(pathlib.Path, cli.runs):
        settings = json.loads((run / "run_config.json").read_text())
        args = argparse.Namespace(**{**settings, "local_dir": cli.local_dir or settings["local_dir"],
                                     "batch_size": 500})
        trained = load_model(run / "model.keras")
        block = next(layer for layer in trained.layers if layer.__class__.__name__ == "ReLaXBlock")
        activation = block.activation
        validation = tasks.dataset(args, "validation", shuffle=False, evaluation=True)
        base = {"run": run.name, "weight_sets": block.weight_sets, "repeats": block.repeats,
                "params": trained.count_params()}
        for level in NOISE_LEVELS:
            values = [
                score(args, variant(trained, NodeNoise(activation, additive_stddev=level,
                                                       at_inference=True, seed=seed)), validation)
                for seed in range(cli.noise_seeds if level else 1)
            ]
            rows.append({**base, "non_ideality": "node_noise", "level": level,
                         "metric": float(np.mean(values)), "metric_std": float(np.std(values))})
            print(rows[-1], flush=True)
        limit = float(np.abs(block.cell.recurrent_kernel.numpy()).max())
        for bits in WEIGHT_BITS:
            value = score(args, variant(trained, weight_programming=[Quantization(bits, limit)]), validation)
            rows.append({**base, "non_ideality": "weight_bits", "level": bits,
                         "metric": value, "metric_std": 0.0})
            print(rows[-1], flush=True)
    output = pathlib.Path(cli.output)
    output.parent.mkdir(parents=True, exist_ok=True)
    with open(output, "w", newline="") as file:
        writer = csv.DictWriter(file, list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)


if __name__ == "__main__":
    main()
