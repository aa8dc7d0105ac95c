"""Batching by index: shuffle example indices, then gather a whole batch in one op."""

import tensorflow as tf


def indexed_batches(count, to_batch, batch_size, shuffle, seed):
    """Shuffles example indices, batches them and gathers each batch in one op."""
    indices = tf.data.Dataset.range(count)
    if shuffle:
        indices = indices.shuffle(count, seed=seed, reshuffle_each_iteration=True)
    dataset = indices.batch(batch_size).map(to_batch, num_parallel_calls=tf.data.AUTOTUNE)
    return dataset.prefetch(tf.data.AUTOTUNE)
