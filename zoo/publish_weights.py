"""Copies the weights of a finished `relax-keras train` run into the package.

Writes `relax_keras/zoo/weights/<file>` (refusing to replace an existing file) and
prints its sha256, for the `PRETRAINED` entry in `relax_keras/zoo/pretrained.py`.

Usage: python zoo/publish_weights.py runs/mnist_flat_relax image_relax_mnist.weights.h5
"""

import hashlib
import pathlib
import sys

from relax_keras import load_model
from relax_keras.zoo.pretrained import WEIGHTS_DIR


def main(run_dir, file_name):
    target = WEIGHTS_DIR / file_name
    if target.exists():
        raise SystemExit(f"error: {target} exists; remove it first to replace it.")
    model = load_model(pathlib.Path(run_dir) / "model.keras", compile=False)  # no optimizer state
    model.save_weights(target)
    print(f"{target}: sha256 {hashlib.sha256(target.read_bytes()).hexdigest()}, "
          f"{model.count_params()} parameters")


if __name__ == "__main__":
    main(*sys.argv[1:])
