"""Reader for CIFAR-10's official Python batches (`cifar-10-batches-py`)."""

import pickle

import numpy as np


def read_cifar_batches(*paths):
    """Returns `(images (N, 32, 32, 3) uint8, labels (N,) int64)` from the official
    batch files (`data_batch_1` ... `data_batch_5`, or `test_batch`), in order.

    Each file is a pickled dict with `b"data"`, `(n, 3072)` uint8 rows (1,024 red, then
    green, then blue values, row by row), and `b"labels"`.
    """
    images, labels = [], []
    for path in paths:
        try:
            with open(path, "rb") as file:
                batch = pickle.load(file, encoding="bytes")
            data, batch_labels = np.asarray(batch[b"data"], np.uint8), batch[b"labels"]
        except (OSError, pickle.UnpicklingError, KeyError, TypeError, EOFError) as error:
            raise ValueError(f"{path} is not a CIFAR-10 batch file: {error!r}.") from error
        if data.ndim != 2 or data.shape[1] != 3072 or len(data) != len(batch_labels):
            raise ValueError(f"{path} holds data of shape {data.shape} and {len(batch_labels)} labels, "
                             "expected (n, 3072) and n.")
        images.append(data.reshape(-1, 3, 32, 32).transpose(0, 2, 3, 1))
        labels.append(np.asarray(batch_labels, np.int64))
    return np.concatenate(images), np.concatenate(labels)
