"""Writing files so that an interrupt never leaves half of one."""

import os
import pathlib


def write_atomically(path, text):
    """Writes `text` to `path` through a temporary file and a rename: a reader (or an
    interrupt) sees the old file or the new one, never half of one."""
    write_bytes_atomically(path, text.encode("utf-8"))


def write_bytes_atomically(path, data):
    """`write_atomically` for bytes."""
    path = pathlib.Path(path)
    temporary = path.with_name(f".{path.name}.tmp")
    temporary.write_bytes(data)
    os.replace(temporary, path)
