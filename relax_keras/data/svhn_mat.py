"""Reader for the official SVHN cropped-digit files (`*_32x32.mat`)."""

import numpy as np

from relax_keras._extras import require


def read_svhn_mat(path):
    """Returns `(images (N, 32, 32, 3) uint8, labels (N,) int64)` from an official file.

    The official layout is `X` of shape (32, 32, 3, N) uint8 and `y` of shape (N, 1)
    with labels 1..10, 10 meaning the digit 0.

    Raises:
        ValueError: when the file is not in that layout.
    """
    io = require("scipy.io", "Reading SVHN's .mat files")

    try:
        contents = io.loadmat(path)
    except Exception as error:  # scipy raises several types for bad files
        raise ValueError(f"Could not read SVHN .mat file {path}: {error}") from error
    missing = {"X", "y"} - set(contents)
    if missing:
        raise ValueError(
            f"SVHN file {path} lacks the keys {sorted(missing)}; an official "
            f"*_32x32.mat file has 'X' (32x32x3xN uint8) and 'y' (Nx1)."
        )
    images, labels = contents["X"], contents["y"]
    if images.ndim != 4 or images.shape[:3] != (32, 32, 3) or images.dtype != np.uint8:
        raise ValueError(
            f"SVHN file {path}: 'X' must be a 32x32x3xN uint8 array, got shape "
            f"{images.shape} and dtype {images.dtype}."
        )
    if labels.shape != (images.shape[3], 1):
        raise ValueError(
            f"SVHN file {path}: 'y' must have shape ({images.shape[3]}, 1) to match 'X', "
            f"got {labels.shape}."
        )
    labels = labels[:, 0]
    if (not np.issubdtype(labels.dtype, np.number) or np.any(labels != np.round(labels))
            or labels.min(initial=1) < 1 or labels.max(initial=10) > 10):
        raise ValueError(f"SVHN file {path}: labels must be integers in 1..10, got {np.unique(labels)[:10]}.")
    labels = labels.astype(np.int64)
    return np.transpose(images, (3, 0, 1, 2)), labels % 10
