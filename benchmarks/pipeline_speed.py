"""Throughput of the data pipelines (examples/s), to compare with training step rates.

MNIST reads the real IDX files; Tiny Shakespeare the bundled text; SVHN reads official-
layout .mat files of random pixels written to a temporary directory (the real SVHN is
not at hand here; the pipeline's cost does not depend on pixel values).

Usage:
    python benchmarks/pipeline_speed.py --mnist-dir ../shared/data/mnist \
        --output benchmarks/results/pipeline_speed.csv
"""

import argparse
import csv
import pathlib
import tempfile
import time

import numpy as np


def examples_per_second(dataset, batches=200, repeats=3):
    """Median examples/s over `repeats` passes of `batches` batches, after warm-up."""
    iterator = iter(dataset.repeat())
    for _ in range(5):
        next(iterator)
    rates = []
    for _ in range(repeats):
        count, start = 0, time.perf_counter()
        for _ in range(batches):
            inputs, _ = next(iterator)
            count += int(inputs.shape[0])
        rates.append(count / (time.perf_counter() - start))
    return float(np.median(rates))


def write_svhn(directory, count=20_000):
    from scipy import io

    rng = np.random.default_rng(0)
    io.savemat(directory / "train_32x32.mat", {
        "X": rng.integers(0, 256, (32, 32, 3, count), dtype=np.uint8),
        "y": rng.integers(1, 11, (count, 1)).astype(np.uint8),
    })


def main():
    from relax_keras import data

    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--mnist-dir", required=True)
    parser.add_argument("--batch-size", type=int, default=128)
    parser.add_argument("--output", required=True)
    args = parser.parse_args()
    rows = []
    with tempfile.TemporaryDirectory() as svhn_dir:
        write_svhn(pathlib.Path(svhn_dir))
        for name, local_dir in (("mnist", args.mnist_dir), ("svhn", svhn_dir)):
            for encoding in ("rows", "flat", "image"):
                dataset = data.image_dataset(name, "train", encoding=encoding,
                                             batch_size=args.batch_size, local_dir=local_dir)
                rows.append({"dataset": name, "encoding": encoding,
                             "examples_per_s": round(examples_per_second(dataset))})
                print(rows[-1], flush=True)
    dataset = data.tiny_shakespeare("train", seq_len=100, batch_size=64)
    rate = examples_per_second(dataset)
    rows.append({"dataset": "tiny_shakespeare", "encoding": "windows of 100",
                 "examples_per_s": round(rate)})
    print(rows[-1], flush=True)
    path = pathlib.Path(args.output)
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", newline="") as file:
        writer = csv.DictWriter(file, ["dataset", "encoding", "examples_per_s"])
        writer.writeheader()
        writer.writerows(rows)


if __name__ == "__main__":
    main()
