"""Where a dataset is read from: tfds, a local directory of official files, or the
copy bundled in the package.

Unless the caller names a source, they are tried in this order:

1. a local directory the caller gives (`local_dir`: it must hold the official files,
   no other source is tried) or the environment variable `RELAX_KERAS_DATA` names
   (the files in it, or in its subfolder named after the dataset);
2. tfds, when the dataset is already prepared in `data_dir`;
3. tfds download, only when the dataset's host answers within a second or two, so
   that an offline machine never waits on a download that cannot succeed (also with
   `source="tfds"`);
4. the copy bundled in the package (Tiny Shakespeare only).
"""

import os
import pathlib
import socket

from relax_keras._extras import available
from relax_keras._extras import require

ENVIRONMENT_VARIABLE = "RELAX_KERAS_DATA"
SOURCES = ("tfds", "local", "bundled")


def candidate_directories(local_dir, dataset_name):
    """Returns the local directories to look in, in order."""
    roots = [local_dir] if local_dir is not None else []
    if os.environ.get(ENVIRONMENT_VARIABLE):
        roots.append(os.environ[ENVIRONMENT_VARIABLE])
    directories = []
    for root in roots:
        root = pathlib.Path(root).expanduser()
        directories += [root, root / dataset_name]
    return directories


def host_answers(host, timeout=1.5):
    """Returns whether `host` accepts an HTTPS connection within `timeout` seconds."""
    try:
        socket.create_connection((host, 443), timeout=timeout).close()
        return True
    except OSError:
        return False


def tfds_data_dir(data_dir):
    """Returns the tfds data directory: `data_dir`, `$TFDS_DATA_DIR` or tfds's default."""
    default = pathlib.Path("~/tensorflow_datasets").expanduser()
    return pathlib.Path(data_dir or os.environ.get("TFDS_DATA_DIR") or default)


def tfds_builder(tfds_name, data_dir):
    tfds = require("tensorflow_datasets", f"Reading `{tfds_name}` through tfds")

    return tfds.builder(tfds_name, data_dir=str(tfds_data_dir(data_dir)))


def resolve_source(spec, split_files, source=None, local_dir=None, data_dir=None):
    """Finds where to read a dataset split from.

    Args:
        spec: the dataset's `DatasetSpec`.
        split_files: the official file names the local directory must hold.
        source: `None` (try all, in the documented order) or one of `"tfds"`,
            `"local"`, `"bundled"`.
        local_dir: directory with the official files, or `None`.
        data_dir: tfds data directory, or `None` for tfds's default.

    Returns:
        `("tfds", builder)`, `("local", directory)` or `("bundled", path)`.

    Raises:
        ValueError: for an unknown source.
        FileNotFoundError: when no source has the data; the message lists where it
            looked and how to obtain the official files.
    """
    if source is not None and source not in SOURCES:
        raise ValueError(
            f"Received an invalid value for argument `source`, expected None or one of "
            f"{list(SOURCES)}, got {source!r}."
        )
    if source == "local" and local_dir is None and not os.environ.get(ENVIRONMENT_VARIABLE):
        raise ValueError(
            f"`source='local'` needs `local_dir` or the environment variable "
            f"{ENVIRONMENT_VARIABLE} to name the directory with the official files "
            f"{list(split_files)}."
        )
    if not split_files and (source == "local" or local_dir is not None):
        raise ValueError(
            f"{spec.name} cannot be read from local files (got local_dir={local_dir!r}, "
            f"source={source!r}): {spec.how_to_obtain}")
    looked = []
    if source in (None, "local") and split_files:
        for directory in candidate_directories(local_dir, spec.name):
            if all((directory / name).is_file() for name in split_files):
                return "local", directory
            looked.append(f"{directory} (for {', '.join(split_files)})")
        if local_dir is not None:  # asked for: never fall back to another source silently
            raise FileNotFoundError(
                f"No {spec.name} files in the given local_dir {local_dir}: looked in "
                + "; ".join(looked) + f". {spec.how_to_obtain}")
    if source in (None, "tfds") and (source == "tfds" or available("tensorflow_datasets")):
        # a builder is made only where tfds has a folder for the dataset or may download
        if (tfds_data_dir(data_dir) / spec.tfds_name).is_dir():
            builder = tfds_builder(spec.tfds_name, data_dir)
            if builder.is_prepared():
                return "tfds", builder
        looked.append(f"tfds `{spec.tfds_name}` prepared in {tfds_data_dir(data_dir)}")
        if host_answers(spec.download_host):  # an offline machine never waits on a download
            return "tfds", tfds_builder(spec.tfds_name, data_dir)
        looked.append(f"tfds download ({spec.download_host} did not answer)")
    if source in (None, "bundled") and spec.bundled_file is not None:
        return "bundled", pathlib.Path(__file__).parent / "bundled" / spec.bundled_file
    if source == "bundled":
        looked.append("the package's bundled files (none for this dataset)")
    raise FileNotFoundError(
        f"No data found for {spec.name}. Looked in: " + "; ".join(looked) + ". "
        + spec.how_to_obtain
    )
