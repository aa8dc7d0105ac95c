"""Writing files so that an interrupt never leaves half of one; reading the package's
own records back with a clear error when one is damaged."""

import csv
import errno
import io
import json
import os
import pathlib
import resource
import shutil


def csv_text(fields, rows):
    """The CSV text of `rows` (dicts) under the header `fields`."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fields, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue()


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


def read_json_object(path):
    """Returns the JSON object (a dict) in `path`; `ValueError` naming the file when it
    is damaged or holds something else."""
    try:
        value = json.loads(pathlib.Path(path).read_text())
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise ValueError(f"The file {path} is damaged ({error}); move it aside or remove it.") from error
    if not isinstance(value, dict):
        raise ValueError(f"The file {path} is damaged: expected a JSON object, found a "
                         f"{type(value).__name__}; move it aside or remove it.")
    return value


def ensure_room(directory, size):
    """Raises `OSError` (ENOSPC, EFBIG) before a file of about `size` bytes is written
    into `directory` that the disk or the process's file-size limit cannot take: h5py
    crashes the whole process (a segmentation fault) on a write that fails."""
    free = shutil.disk_usage(directory).free
    if size > free:
        raise OSError(errno.ENOSPC, f"No space left on the disk for {size:,} bytes ({free:,} free)",
                      str(directory))
    limit = resource.getrlimit(resource.RLIMIT_FSIZE)[0]
    if limit != resource.RLIM_INFINITY and size > limit:
        raise OSError(errno.EFBIG, f"A file of {size:,} bytes exceeds this process's file-size "
                      f"limit of {limit:,} bytes (ulimit -f)", str(directory))
