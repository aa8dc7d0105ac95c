"""Reader for the IDX files of MNIST (LeCun's format, optionally gzip-compressed)."""

import gzip
import pathlib

import numpy as np

IMAGES_MAGIC = 2051
LABELS_MAGIC = 2049


def read_idx(path, expected_magic):
    """Reads an IDX file of unsigned bytes into a NumPy array.

    Args:
        path: path of the `.idx` or `.gz` file.
        expected_magic: `2051` (images) or `2049` (labels).

    Raises:
        ValueError: on a wrong magic number or a truncated file.
    """
    path = pathlib.Path(path)
    opener = gzip.open if path.suffix == ".gz" else open
    try:
        with opener(path, "rb") as file:
            data = file.read()
    except (OSError, EOFError) as error:
        raise ValueError(f"Could not read IDX file {path}: {error}.") from error
    if len(data) < 4 or int.from_bytes(data[:4], "big") != expected_magic:
        found = int.from_bytes(data[:4], "big") if len(data) >= 4 else None
        raise ValueError(
            f"IDX file {path} has magic number {found}, expected {expected_magic} "
            f"({'images' if expected_magic == IMAGES_MAGIC else 'labels'})."
        )
    dims = expected_magic & 0xFF
    header = 4 + 4 * dims
    shape = tuple(int.from_bytes(data[4 + 4 * i : 8 + 4 * i], "big") for i in range(dims))
    size = int(np.prod(shape))
    if len(data) != header + size:
        raise ValueError(
            f"IDX file {path} is truncated or too long: its header says shape {shape} "
            f"({header + size} bytes), the file has {len(data)} bytes."
        )
    return np.frombuffer(data, dtype=np.uint8, offset=header).reshape(shape)


def read_mnist(images_path, labels_path):
    """Returns `(images (N, 28, 28, 1) uint8, labels (N,) int64)` from IDX files."""
    images = read_idx(images_path, IMAGES_MAGIC)
    labels = read_idx(labels_path, LABELS_MAGIC).astype(np.int64)
    if len(images) != len(labels):
        raise ValueError(
            f"{images_path} has {len(images)} images but {labels_path} has "
            f"{len(labels)} labels."
        )
    return images[..., None], labels
