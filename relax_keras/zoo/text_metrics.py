"""Character-level evaluation: mean cross-entropy over the scored characters."""

import math

import numpy as np


def character_loss(model, dataset):
    """Returns the mean next-character cross-entropy of `model` on `dataset`.

    Unlike `model.evaluate`, whose loss averages over every position, this averages
    over the scored characters only: `dataset` yields `(ids, next_ids)` or
    `(ids, next_ids, weights)` (see `relax_keras.data.tiny_shakespeare(context=...)`).
    The model runs through its compiled `predict_on_batch`, so this works on every
    Keras backend.

    Returns:
        dict with `loss` (nats per character), `bits_per_char`, `accuracy` (of the
        most likely next character) and `characters` (how many were scored).
    """
    loss = hits = count = 0.0
    for batch in dataset:
        ids, targets = np.asarray(batch[0]), np.asarray(batch[1])
        weights = np.asarray(batch[2], "float64") if len(batch) == 3 else np.ones(targets.shape)
        logits = np.asarray(model.predict_on_batch(ids), "float64")  # (B, T, vocab)
        shifted = logits - logits.max(axis=-1, keepdims=True)
        log_normalizer = np.log(np.exp(shifted).sum(axis=-1))
        target_logits = np.take_along_axis(shifted, targets[..., None].astype("int64"), axis=-1)[..., 0]
        loss += float(((log_normalizer - target_logits) * weights).sum())
        hits += float(((logits.argmax(axis=-1) == targets) * weights).sum())
        count += float(weights.sum())
    return {
        "loss": loss / count,
        "bits_per_char": loss / count / math.log(2),
        "accuracy": hits / count,
        "characters": int(count),
    }
