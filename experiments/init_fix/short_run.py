"""One short run of a 4-set ReLaX-Net, to see what independent initial weight sets change.

MNIST rows (the real training split; validation = its last 10,000 images), L_W = 4,
L_T = 1, N = 64, seed 0, batch 128, 400 steps; prints the largest difference between
the initial weight sets and the validation accuracy. Run it at two commits with the
same arguments and compare.

    python experiments/init_fix/short_run.py --local-dir ../shared/data/mnist
"""

import argparse
import json

import keras
import numpy as np

from relax_keras import data
from relax_keras.zoo import image_relax


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--local-dir", required=True)
    parser.add_argument("--steps", type=int, default=400)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    keras.utils.set_random_seed(args.seed)
    model = image_relax((28, 28, 1), encoding="rows", weight_sets=4, repeats=1, units=64)
    bank = next(w for w in model.weights if "recurrent_kernel" in w.path).numpy()
    spread = float(max(np.abs(bank[i] - bank[0]).max() for i in range(1, len(bank))))
    train = data.mnist("train", encoding="rows", local_dir=args.local_dir, batch_size=128, seed=args.seed)
    validation = data.mnist("validation", encoding="rows", local_dir=args.local_dir, batch_size=512)
    model.fit(train.repeat(), steps_per_epoch=args.steps, epochs=1, verbose=2)
    loss, accuracy = model.evaluate(validation, verbose=0)
    print(json.dumps({"largest_difference_between_initial_sets": spread,
                      "validation_accuracy": accuracy, "validation_loss": loss,
                      "steps": args.steps, "seed": args.seed}))


if __name__ == "__main__":
    main()
