"""One image-classification pipeline for SVHN, MNIST and other tfds image datasets."""

import re

import numpy as np
import tensorflow as tf

from relax_keras.data.batching import indexed_batches
from relax_keras.data.sources import resolve_source
from relax_keras.data.specs import IMAGE_DATASETS
from relax_keras._extras import require
from relax_keras._validation import one_of
from relax_keras._validation import positive_int
from relax_keras.image_encodings import encoded_shape

SCALINGS = ("unit", "standardize")


def parse_split(split, splits):
    """Returns `(split, slice)` from `"name"` or tfds's `"name[start:stop]"`.

    >>> parse_split("validation[:5000]", ("train", "validation"))
    ('validation', slice(None, 5000, None))
    """
    match = re.fullmatch(r"(\w+)(?:\[(-?\d*):(-?\d*)\])?", split) if isinstance(split, str) else None
    if match is None or match[1] not in splits:
        raise ValueError(
            f"Received an invalid value for argument `split`, expected one of {list(splits)}, "
            f"optionally sliced as in tfds (e.g. 'validation[:5000]'), got {split!r}."
        )
    bound = lambda text: int(text) if text else None
    return match[1], slice(bound(match[2]), bound(match[3]))


def load_image_arrays(name, split, source=None, local_dir=None, data_dir=None):
    """Loads a split into memory.

    Args:
        name: `"svhn"`, `"mnist"` or `"cifar10"`.
        split: an official split, or `"validation"`: the last
            `spec.validation_size` examples of the official train split, which
            `"train"` then leaves out; optionally sliced as in tfds:
            `"validation[:5000]"`, `"validation[5000:]"`.
        source, local_dir, data_dir: see `relax_keras.data.sources`.

    Returns:
        `(images (N, H, W, C) uint8, labels (N,) int64)`.
    """
    spec = IMAGE_DATASETS[one_of("name", name, IMAGE_DATASETS)]
    split, part = parse_split(split, spec.splits)
    images, labels = _load_split(spec, split, source, local_dir, data_dir)
    images, labels = images[part], labels[part]
    if not len(labels):
        raise ValueError(f"The split {split!r} sliced as {part} of {name} holds no examples.")
    return images, labels


def check_contents(spec, split, images, labels):
    """Raises `ValueError` when images or labels do not match the dataset's spec."""
    if tuple(images.shape[1:]) != tuple(spec.image_shape):
        raise ValueError(f"The {split!r} images of {spec.name} have shape {tuple(images.shape[1:])}, "
                         f"expected {tuple(spec.image_shape)}: are these {spec.name}'s files?")
    if len(labels) and (labels.min() < 0 or labels.max() >= spec.classes):
        bad = labels[(labels < 0) | (labels >= spec.classes)]
        raise ValueError(f"The {split!r} labels of {spec.name} hold {len(bad)} values outside "
                         f"[0, {spec.classes}), e.g. {int(bad[0])}: the label file is damaged or not {spec.name}'s.")


def _load_split(spec, split, source, local_dir, data_dir):
    official = "train" if split == "validation" else split
    files = spec.local_files[official]
    kind, where = resolve_source(spec, files, source, local_dir, data_dir)
    if kind == "local":
        images, labels = spec.read_local(*(where / file for file in files))
    else:
        tfds = require("tensorflow_datasets", f"Reading {spec.name} through tfds")

        if not where.is_prepared():
            where.download_and_prepare()
        arrays = tfds.as_numpy(where.as_dataset(split=official, batch_size=-1))
        images, labels = arrays["image"], arrays["label"].astype(np.int64)
    check_contents(spec, official, images, labels)
    if official == "train" and spec.validation_size:
        if len(images) <= spec.validation_size:
            raise ValueError(
                f"The training split of {spec.name} holds {len(images)} images; the validation "
                f"split is its last {spec.validation_size}, so it needs more than that.")
        cut = len(images) - spec.validation_size
        return (images[cut:], labels[cut:]) if split == "validation" else (images[:cut], labels[:cut])
    return images, labels


def image_dataset(
    name,
    split="train",
    encoding="rows",
    scaling="unit",
    batch_size=128,
    shuffle=None,
    seed=0,
    source=None,
    local_dir=None,
    data_dir=None,
):
    """Returns a ready `tf.data.Dataset` of `(images, labels)` batches.

    Args:
        name: `"svhn"`, `"mnist"` or `"cifar10"`.
        split: `"train"`, `"validation"` (carved from the end of the official train
            split, deterministic), `"test"`, or `"extra"` (SVHN); optionally sliced
            as in tfds (`"validation[:5000]"`).
        encoding: `"rows"` (a sequence of rows, `(H, W*C)`), `"flat"` (`(H*W*C,)`)
            or `"image"` (`(H, W, C)`). Default: `"rows"`.
        scaling: `"unit"` (pixels / 255, in [0, 1]) or `"standardize"` (each image
            to zero mean and unit variance). Default: `"unit"`.
        batch_size: int. Default: `128`.
        shuffle: bool; `None` shuffles the training split only. Default: `None`.
        seed: int, the shuffle seed: same seed, same batches. Default: `0`.
        source: `None` (try tfds, then local files), `"tfds"` or `"local"`.
        local_dir: directory with the official files.
        data_dir: tfds data directory.
    """
    spec = IMAGE_DATASETS[one_of("name", name, IMAGE_DATASETS)]
    parse_split(split, spec.splits)
    shape = encoded_shape(spec.image_shape, encoding)
    one_of("scaling", scaling, SCALINGS)
    batch_size = positive_int("batch_size", batch_size)
    images, labels = load_image_arrays(name, split, source, local_dir, data_dir)
    images, labels = tf.constant(images), tf.constant(labels)

    def to_batch(indices):
        batch = tf.cast(tf.gather(images, indices), tf.float32)  # (B, H, W, C)
        if scaling == "unit":
            batch = batch / 255.0
        else:
            batch = tf.image.per_image_standardization(batch)
        return tf.reshape(batch, (-1, *shape)), tf.gather(labels, indices)

    if shuffle is None:
        shuffle = split.startswith("train")
    return indexed_batches(len(labels), to_batch, batch_size, shuffle, seed)


def svhn(split="train", **kwargs):
    """SVHN cropped digits (32x32x3, 10 classes); see `image_dataset` for arguments.

    Splits: "train" (73,257 - 7,326), "validation" (the last 7,326 training images),
    "test" (26,032), "extra" (531,131). Label 10 of the official files is digit 0.
    """
    return image_dataset("svhn", split, **kwargs)


def mnist(split="train", **kwargs):
    """MNIST (28x28x1, 10 classes); see `image_dataset` for arguments.

    Splits: "train" (the first 50,000 training images), "validation" (the last
    10,000), "test" (10,000; the local directory needs the t10k files).
    """
    return image_dataset("mnist", split, **kwargs)
