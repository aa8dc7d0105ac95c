"""Reader for the IDX files of MNIST (LeCun's format, optionally gzip-compressed)."""

import gzip
import pathlib

import numpy as np

IMAGES_MAGIC = 2051
LABELS_MAGIC = 2049
MOST_BYTES = 1 << 31  # 2 GiB: 30 times MNIST's training images, and no more is read


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
    kind = "images" if expected_magic == IMAGES_MAGIC else "labels"
    dims = expected_magic & 0xFF
    header_size = 4 + 4 * dims
    try:
        with opener(path, "rb") as file:
            # the header first: a wrong file is refused before its body is read (or
            # decompressed), and no more is read than the header declares, plus one byte
            header = file.read(header_size)
            if len(header) < 4 or int.from_bytes(header[:4], "big") != expected_magic:
                found = int.from_bytes(header[:4], "big") if len(header) >= 4 else None
                raise ValueError(f"IDX file {path} has magic number {found}, expected {expected_magic} ({kind}).")
            if len(header) < header_size:
                raise ValueError(f"IDX file {path} is truncated: its header has {len(header)} of {header_size} bytes.")
            shape = tuple(int.from_bytes(header[4 + 4 * i: 8 + 4 * i], "big") for i in range(dims))
            size = int(np.prod(shape))
            if size > MOST_BYTES:
                raise ValueError(f"IDX file {path} declares shape {shape} ({size:,} bytes), more than "
                                 f"the {MOST_BYTES:,} bytes this reader accepts.")
            body = file.read(size + 1)
    except (OSError, EOFError) as error:
        raise ValueError(f"Could not read IDX file {path}: {error}.") from error
    if len(body) != size:
        raise ValueError(
            f"IDX file {path} is truncated or too long: its header says shape {shape} "
            f"({header_size + size} bytes), the file has {header_size + len(body)}"
            f"{' or more' if len(body) > size else ''} bytes."
        )
    return np.frombuffer(body, dtype=np.uint8).reshape(shape)


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
