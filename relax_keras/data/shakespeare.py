"""Character-level Tiny Shakespeare: splits identical to tfds, next-character windows."""

import gzip

import numpy as np
import tensorflow as tf

from relax_keras.data.batching import indexed_batches
from relax_keras.data.sources import resolve_source
from relax_keras.data.specs import TINY_SHAKESPEARE
from relax_keras._extras import require
from relax_keras._validation import one_of
from relax_keras._validation import positive_int
from relax_keras.vocabulary import Vocabulary


def split_text(text):
    """Splits the full text as tfds `tiny_shakespeare` does: 90% / 5% / 5%, in order."""
    cut = int(len(text) * 0.9)
    train, rest = text[:cut], text[cut:]
    cut = int(len(rest) * 0.5)
    return {"train": train, "validation": rest[:cut], "test": rest[cut:]}


def load_text(split, source=None, local_dir=None, data_dir=None):
    """Returns the text of a split: `"train"` (1,003,854 characters), `"validation"`
    or `"test"` (55,770 each).

    Sources: a local directory with `input.txt`, tfds `tiny_shakespeare`, or the copy
    bundled in the package (the default offline; no download needed).
    """
    one_of("split", split, TINY_SHAKESPEARE.splits)
    kind, where = resolve_source(
        TINY_SHAKESPEARE, TINY_SHAKESPEARE.local_files[split], source, local_dir, data_dir
    )
    if kind == "tfds":
        tfds = require("tensorflow_datasets", "Reading Tiny Shakespeare through tfds")

        if not where.is_prepared():
            where.download_and_prepare()
        (example,) = tfds.as_numpy(where.as_dataset(split=split))
        return example["text"].decode("utf-8")
    if kind == "local":
        text = (where / "input.txt").read_text(encoding="utf-8")
    else:
        with gzip.open(where, "rt", encoding="utf-8") as file:
            text = file.read()
    return split_text(text)[split]


def tiny_shakespeare(
    split="train",
    seq_len=100,
    batch_size=64,
    shuffle=None,
    seed=0,
    stride=None,
    context=0,
    vocabulary=None,
    source=None,
    local_dir=None,
    data_dir=None,
):
    """Returns a ready `tf.data.Dataset` of `(ids, next_ids)` windows.

    Each example is a window of `seq_len` character ids and the ids of the next
    characters (the window shifted by one). Windows start every `stride` characters.

    For evaluation, `context > 0` makes each window `context + seq_len` long and adds
    sample weights that score only its last `seq_len` targets: with the default
    stride, every character after the first `context` of the split is scored once
    (but a final remainder shorter than `seq_len`), each with at least `context`
    characters of context; windows of a model that starts from a zero state otherwise
    score their first characters almost blind.

    Args:
        split: `"train"`, `"validation"` or `"test"`, as in tfds, or splits joined
            in order with `+`, as tfds joins them (`"validation+test"`: the last 10%
            of the text, nanoGPT's `shakespeare_char` validation split).
        seq_len: int, characters per window. Default: `100`.
        batch_size: int. Default: `64`.
        shuffle: bool; `None` shuffles the training split only.
        seed: int, the shuffle seed: same seed, same batches. Default: `0`.
        stride: int, characters between window starts. Default: `seq_len`
            (non-overlapping windows that cover the split).
        context: int >= 0, unscored characters read before each window's scored
            ones; with `context > 0` the examples are `(ids, next_ids, weights)`.
            Default: `0`.
        vocabulary: a `Vocabulary`; default: the 65 symbols of Tiny Shakespeare.
        source, local_dir, data_dir: see `relax_keras.data.sources`.
    """
    parts = split.split("+") if isinstance(split, str) else [split]
    for part in parts:
        one_of("split", part, TINY_SHAKESPEARE.splits)
    seq_len = positive_int("seq_len", seq_len)
    stride = seq_len if stride is None else positive_int("stride", stride)
    if isinstance(context, bool) or not isinstance(context, int) or context < 0:
        raise ValueError(
            f"Received an invalid value for argument `context`, expected an integer >= 0, "
            f"got {context!r}."
        )
    batch_size = positive_int("batch_size", batch_size)
    vocabulary = vocabulary or Vocabulary()
    text = "".join(load_text(part, source, local_dir, data_dir) for part in parts)
    window = context + seq_len
    if window + 1 > len(text):
        raise ValueError(
            f"Received an invalid value for argument `seq_len`: {seq_len} (with context "
            f"{context}) needs {window + 1} characters, the {split!r} split has {len(text)}."
        )
    ids = tf.constant(vocabulary.encode(text, argument=f"{split} text"))
    offsets = tf.range(window + 1, dtype=tf.int64)
    starts = tf.constant(np.arange(0, len(text) - window, stride))
    scored = tf.constant([0.0] * context + [1.0] * seq_len)

    def to_batch(indices):
        windows = tf.gather(ids, tf.gather(starts, indices)[:, None] + offsets)  # (B, W+1)
        if not context:
            return windows[:, :-1], windows[:, 1:]
        weights = tf.broadcast_to(scored, tf.shape(windows[:, 1:]))
        return windows[:, :-1], windows[:, 1:], weights

    if shuffle is None:
        shuffle = split == "train"
    return indexed_batches(int(starts.shape[0]), to_batch, batch_size, shuffle, seed)
