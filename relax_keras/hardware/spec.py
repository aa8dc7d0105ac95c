"""The hardware description: a self-describing JSON file and a `.npz` of arrays.

JSON (`<name>.json`):
    format: "relax-keras-hardware"; version: FORMAT_VERSION; dtype: "float32";
    model: the Keras model's name; arrays: the `.npz` file name and its sha256;
    digest: the sha256 of the description itself (without this field) and the `.npz`,
        so that an edit of either file is found;
    stages: the model's layers in order, each a dict with a `type` of
        "embedding" (ids -> vectors; `vocabulary` for characters),
        "reshape" (`target_shape`),
        "relax_block" (units, weight_sets, repeats, schedule, switch_positions of one
            period, steps_per_input, input_injection, activation, static_input,
            return_sequences), or
        "dense" (activation),
    and `arrays`: its array names in the `.npz`.

Pure NumPy: `load` works without TensorFlow or Keras.
"""

import hashlib
import json
import pathlib

import numpy as np

FORMAT = "relax-keras-hardware"
FORMAT_VERSION = 2  # 2: a digest over both files, and the description validated at load


def json_path_of(path):
    """Returns the `.json` path of a hardware description given with or without suffix."""
    path = pathlib.Path(path)
    return (path.with_suffix("") if path.suffix == ".json" else path).with_suffix(".json")


def arrays_path(json_path, description):
    """Returns the path of the `.npz` a description names (a file beside it)."""
    name = description.get("arrays", {}).get("file") if isinstance(description.get("arrays"), dict) else None
    if not isinstance(name, str) or pathlib.Path(name).name != name or not name.endswith(".npz"):
        raise ValueError(f"{json_path} is not a valid hardware description: field `arrays.file` "
                         f"must name a .npz file beside it, got {name!r}.")
    return json_path.parent / name


def description_digest(description, npz_bytes):
    """The sha256 of a description (without its `digest`) and its `.npz` bytes."""
    canonical = json.dumps({k: v for k, v in description.items() if k != "digest"}, sort_keys=True)
    return hashlib.sha256(canonical.encode() + npz_bytes).hexdigest()


def load(path):
    """Reads a hardware description written by `relax_keras.hardware.export`.

    Args:
        path: the `.json` file (or its path without suffix).

    Returns:
        The description as a dict, with `"arrays"` holding the NumPy arrays.

    Raises:
        ValueError: when the files are missing, corrupted, edited (a field that does
            not fit its arrays or the format is named), or of another format version.
    """
    from relax_keras.hardware.validate import validate

    json_path = json_path_of(path)
    if not json_path.is_file():
        raise ValueError(f"Hardware description incomplete: no file at {json_path}.")
    try:
        spec = json.loads(json_path.read_text())
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        raise ValueError(f"{json_path} is not a valid hardware description: {error}.") from error
    if not isinstance(spec, dict) or spec.get("format") != FORMAT:
        raise ValueError(f"{json_path} is not a {FORMAT} file.")
    if spec.get("version") != FORMAT_VERSION:
        raise ValueError(
            f"{json_path} has format version {spec.get('version')!r}; this relax-keras "
            f"reads version {FORMAT_VERSION}. Export the model again with this version."
        )
    npz_path = arrays_path(json_path, spec)
    if not npz_path.is_file():
        raise ValueError(f"Hardware description incomplete: no file at {npz_path}.")
    npz_bytes = npz_path.read_bytes()
    digest = hashlib.sha256(npz_bytes).hexdigest()
    if digest != spec["arrays"]["sha256"]:
        raise ValueError(
            f"{npz_path} is corrupted or does not belong to {json_path}: sha256 "
            f"{digest}, expected {spec['arrays']['sha256']}."
        )
    recorded_digest = spec.get("digest")
    with np.load(npz_path, allow_pickle=False) as arrays:
        spec["arrays"] = {name: arrays[name] for name in arrays.files}
    missing = sorted(
        {name for stage in spec.get("stages", []) if isinstance(stage.get("arrays"), dict)
         for name in stage["arrays"].values()} - spec["arrays"].keys()
    )
    if missing:
        raise ValueError(f"{npz_path} lacks the arrays {missing} that {json_path} names.")
    validate(spec)
    unloaded = {**spec, "arrays": json.loads(json_path.read_text())["arrays"]}
    if recorded_digest != description_digest(unloaded, npz_bytes):
        raise ValueError(
            f"{json_path} was edited after export: field `digest` ({recorded_digest!r}) does not "
            "match the description and its arrays. Export the model again.")
    return spec
