"""Reader for CIFAR-10's official Python batches (`cifar-10-batches-py`).

The batches are pickles, and a pickle can name any callable to run while it loads. The
reader therefore unpickles with `RestrictedUnpickler`, which admits only what the
official files hold (dicts, lists, bytes, numbers and NumPy arrays of plain dtypes) and
refuses every other global before anything runs.
"""

import pickle

import numpy as np

# The globals that a NumPy array or scalar pickle names (under NumPy 1 and NumPy 2 module
# paths, protocols 2 to 5), and `_codecs.encode`, which Python 3 pickles bytes with at
# protocol 2. None of them can run code of the file's choosing.
_ALLOWED_GLOBALS = {
    (module, name)
    for module in ("numpy", "numpy.core.multiarray", "numpy._core.multiarray",
                   "numpy.core.numeric", "numpy._core.numeric")
    for name in ("_reconstruct", "_frombuffer", "scalar", "ndarray", "dtype")
} | {("_codecs", "encode")}


class RestrictedUnpickler(pickle.Unpickler):
    """An unpickler that loads plain data and NumPy arrays, and refuses anything else.

    Example:

    >>> import io, os
    >>> payload = pickle.dumps(os.system)
    >>> RestrictedUnpickler(io.BytesIO(payload)).load()
    Traceback (most recent call last):
    ...
    _pickle.UnpicklingError: ... refuses the global 'posix.system' ...
    """

    def find_class(self, module, name):
        if (module, name) in _ALLOWED_GLOBALS:
            return super().find_class(module, name)
        raise pickle.UnpicklingError(
            f"A CIFAR-10 batch holds only plain data and NumPy arrays; the reader refuses "
            f"the global '{module}.{name}' this file names (it could run code)."
        )


def _load_batch(path):
    with open(path, "rb") as file:
        batch = RestrictedUnpickler(file, encoding="bytes").load()
    if not isinstance(batch, dict):
        raise TypeError(f"the file holds a {type(batch).__name__}, not a dict")
    data, labels = np.asarray(batch[b"data"]), np.asarray(batch[b"labels"])
    if data.dtype.kind not in "ui" or data.ndim != 2 or data.shape[1] != 3072:
        raise TypeError(f"`data` is {data.dtype} of shape {data.shape}, expected integer (n, 3072)")
    if data.size and (data.min() < 0 or data.max() > 255):
        raise TypeError(f"`data` holds values in [{data.min()}, {data.max()}], expected [0, 255]")
    if labels.dtype.kind not in "ui" or labels.shape != (len(data),):
        raise TypeError(f"`labels` is {labels.dtype} of shape {labels.shape}, expected {len(data)} integers")
    if labels.size and (labels.min() < 0 or labels.max() > 9):
        raise TypeError(f"`labels` holds values in [{labels.min()}, {labels.max()}], expected 0 ... 9")
    return data.astype(np.uint8), labels.astype(np.int64)


def read_cifar_batches(*paths):
    """Returns `(images (N, 32, 32, 3) uint8, labels (N,) int64)` from the official
    batch files (`data_batch_1` ... `data_batch_5`, or `test_batch`), in order.

    Each file is a pickled dict with `b"data"`, `(n, 3072)` uint8 rows (1,024 red, then
    green, then blue values, row by row), and `b"labels"`. Files are read with
    `RestrictedUnpickler`: one that names anything but plain data and NumPy arrays is
    refused with a `ValueError` before any of its code can run.
    """
    images, labels = [], []
    for path in paths:
        try:
            data, batch_labels = _load_batch(path)
        except (OSError, EOFError, IndexError, KeyError, TypeError, ValueError, pickle.UnpicklingError) as error:
            raise ValueError(f"{path} is not a CIFAR-10 batch file: {error}") from error
        images.append(data.reshape(-1, 3, 32, 32).transpose(0, 2, 3, 1))
        labels.append(batch_labels)
    return np.concatenate(images), np.concatenate(labels)
