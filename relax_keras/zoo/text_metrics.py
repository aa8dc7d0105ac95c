"""Character-level evaluation: mean cross-entropy over the scored characters."""

import math

import keras
import tensorflow as tf


def character_loss(model, dataset):
    """Returns the mean next-character cross-entropy of `model` on `dataset`.

    Unlike `model.evaluate`, whose loss averages over every position, this averages
    over the scored characters only: `dataset` yields `(ids, next_ids)` or
    `(ids, next_ids, weights)` (see `relax_keras.data.tiny_shakespeare(context=...)`).

    Returns:
        dict with `loss` (nats per character), `bits_per_char`, `accuracy` (of the
        most likely next character) and `characters` (how many were scored).
    """

    @tf.function(reduce_retracing=True)
    def batch_sums(ids, targets, weights):
        logits = tf.cast(model(ids, training=False), tf.float32)
        losses = keras.losses.sparse_categorical_crossentropy(targets, logits, from_logits=True)
        hits = tf.cast(tf.equal(tf.argmax(logits, -1, output_type=targets.dtype), targets), tf.float32)
        return tf.reduce_sum(losses * weights), tf.reduce_sum(hits * weights), tf.reduce_sum(weights)

    loss = hits = count = 0.0
    for batch in dataset:
        ids, targets = batch[:2]
        weights = batch[2] if len(batch) == 3 else tf.ones_like(targets, tf.float32)
        batch_loss, batch_hits, batch_count = batch_sums(ids, targets, weights)
        loss, hits, count = loss + float(batch_loss), hits + float(batch_hits), count + float(batch_count)
    return {
        "loss": loss / count,
        "bits_per_char": loss / count / math.log(2),
        "accuracy": hits / count,
        "characters": int(count),
    }
