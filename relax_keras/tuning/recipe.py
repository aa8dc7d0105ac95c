"""A fingerprint of a study's whole recipe, beside the model-semantics fingerprint.

`fingerprint.semantics_fingerprint` hashes the layer's arithmetic on toy models. What
else makes a study's figures is hashed here, through the study's own hypermodel, for
the spec's task, data and grid:

- the data order: the first training batch of each of the first two seeds;
- the optimizer and its schedule: the optimizer's configuration and its learning rate
  at the first, middle and last step, for every point at its first rate;
- the sizing: every point's weight shapes and parameter count, the Keras baselines
  included, and its initial weights (their sum of squares, from the first seed);
- the scoring: the selection metric of the first point's untrained model.

Numbers are rounded (4 significant digits) so that float round-off across machines and
engines does not move the digest; a change of the recipe does. A study records the digest
beside the semantics fingerprint; its tables never mix digests.
"""

import hashlib
import json

import numpy as np

SIGNIFICANT = 4
DATA_SEEDS = 2


def recipe_fingerprint(hypermodel, learning_rates, seeds, chosen_rates=None):
    """Returns `(digest, parts)`: a 10-hex-digit digest of the recipe and what it hashes.

    Args:
        hypermodel: the study's `StudyHyperModel`.
        learning_rates: list of float, the spec's rates.
        seeds: list of int, the spec's seeds.
        chosen_rates: dict, point key -> rate, or `None`.
    """
    import keras
    import keras_tuner

    parts = {}
    points = hypermodel.points
    task = hypermodel.task_of(next(iter(points)))
    for seed in seeds[:DATA_SEEDS]:
        keras.utils.set_random_seed(seed)  # as a trial sets it (when building its model) before its data
        features, labels = next(iter(hypermodel.training_data(task, seed)))
        parts[f"first batch, seed {seed}"] = _digest(np.asarray(features).tobytes() + np.asarray(labels).tobytes())
    steps = hypermodel.steps
    first_model = None
    for key in points:
        hp = keras_tuner.HyperParameters()
        rate = (chosen_rates or {}).get(key, learning_rates[0])
        for name, value in {"point": key, "learning_rate": rate, "seed": seeds[0], "stage": "seed"}.items():
            hp.Fixed(name, value)
        model = hypermodel.build(hp)
        first_model = first_model or model
        optimizer = keras.optimizers.serialize(model.optimizer)
        optimizer["config"].pop("name")  # numbered by Keras: adam, adam_1, ...
        schedule = keras.optimizers.schedules.deserialize(optimizer["config"]["learning_rate"])
        parts[key] = {
            "parameters": model.count_params(),
            "shapes": [list(weight.shape) for weight in model.weights],
            "initial weights": _rounded(sum(float(np.sum(np.square(w))) for w in model.get_weights())),
            "optimizer": _digest(json.dumps(optimizer, sort_keys=True, default=str).encode()),
            "learning rate at 0, steps/2, steps": [_rounded(float(schedule(s))) for s in (0, steps // 2, steps)],
        }
    parts["score of the first point, untrained"] = _rounded(
        task.score(first_model, hypermodel.evaluation_dataset(task.name, task.selection_split)))
    digest = hashlib.sha256(json.dumps(parts, sort_keys=True).encode()).hexdigest()[:10]
    return digest, parts


def _rounded(value):
    return float(f"{value:.{SIGNIFICANT}g}")


def _digest(data):
    return hashlib.sha256(data).hexdigest()[:16]
