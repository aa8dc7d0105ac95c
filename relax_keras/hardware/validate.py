"""Checks a loaded hardware description against its format and its arrays, so that a
damaged or edited file fails with the field named instead of simulating something else.
Pure Python and NumPy."""

import numpy as np

from relax_keras.physics import NONLINEARITIES

STAGE_TYPES = ("embedding", "reshape", "relax_block", "dense")
INJECTIONS = ("every", "first")


def _fail(where, field, value, expected):
    raise ValueError(f"Hardware description, {where}: field `{field}` is {value!r}, expected {expected}.")


def _named(value, choices):
    """Whether `value` is a name among `choices` (any JSON value may stand in a field)."""
    return isinstance(value, str) and value in choices


def _positive_int(where, stage, field):
    value = stage.get(field)
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        _fail(where, field, value, "a positive integer")
    return value


def _shape(where, arrays, stage, key, expected):
    name = stage["arrays"].get(key)
    if name is None:
        _fail(where, f"arrays.{key}", None, "the name of an array in the .npz")
    actual = tuple(arrays[name].shape)
    if len(actual) != len(expected) or any(e is not None and a != e for a, e in zip(actual, expected)):
        shown = ", ".join("any" if e is None else str(e) for e in expected)
        _fail(where, f"arrays.{key} (shape)", actual, f"shape ({shown})")
    return actual


def check_finite(arrays):
    """Raises `ValueError` naming the first array that holds NaN or infinite values."""
    for name, array in arrays.items():
        if np.issubdtype(np.asarray(array).dtype, np.number) and not np.isfinite(array).all():
            raise ValueError(f"The array {name!r} holds NaN or infinite values; a hardware "
                             "description holds finite weights only.")


def validate(spec):
    """Raises `ValueError` naming the stage and field of the first inconsistency, or the
    first array holding NaN or infinite values."""
    arrays = spec["arrays"]
    check_finite(arrays)
    if not isinstance(spec.get("stages"), list) or not spec["stages"]:
        _fail("the description", "stages", spec.get("stages"), "a non-empty list of stages")
    for index, stage in enumerate(spec["stages"]):
        where = f"stage {index} ({stage.get('name', '?')})"
        kind = stage.get("type")
        if not _named(kind, STAGE_TYPES):
            _fail(where, "type", kind, f"one of {list(STAGE_TYPES)}")
        if not isinstance(stage.get("arrays"), dict):
            _fail(where, "arrays", stage.get("arrays"), "a dict of array names")
        if kind == "embedding":
            _shape(where, arrays, stage, "embeddings", (None, None))
        elif kind == "reshape":
            target = stage.get("target_shape")
            if not isinstance(target, list) or not all(isinstance(d, int) and d > 0 for d in target):
                _fail(where, "target_shape", target, "a list of positive integers")
        elif kind == "dense":
            if not _named(stage.get("activation"), NONLINEARITIES):
                _fail(where, "activation", stage.get("activation"), f"one of {sorted(NONLINEARITIES)}")
            _, units = _shape(where, arrays, stage, "kernel", (None, None))
            _shape(where, arrays, stage, "bias", (units,))
        else:
            _validate_block(where, arrays, stage)


def _validate_block(where, arrays, stage):
    units = _positive_int(where, stage, "units")
    sets = _positive_int(where, stage, "weight_sets")
    repeats = _positive_int(where, stage, "repeats")
    _positive_int(where, stage, "steps_per_input")
    positions = stage.get("switch_positions")
    if (not isinstance(positions, list) or len(positions) != sets * repeats
            or not all(isinstance(p, int) and not isinstance(p, bool) and 0 <= p < sets for p in positions)):
        _fail(where, "switch_positions", positions,
              f"a list of weight_sets * repeats = {sets * repeats} integers in [0, {sets})")
    if not _named(stage.get("input_injection"), INJECTIONS):
        _fail(where, "input_injection", stage.get("input_injection"), f"one of {list(INJECTIONS)}")
    if not _named(stage.get("activation"), NONLINEARITIES):
        _fail(where, "activation", stage.get("activation"), f"one of {sorted(NONLINEARITIES)}")
    for field in ("static_input", "return_sequences"):
        if not isinstance(stage.get(field), bool):
            _fail(where, field, stage.get(field), "true or false")
    _shape(where, arrays, stage, "kernel", (None, units))
    _shape(where, arrays, stage, "recurrent_kernel", (sets, units, units))
    if "bias" in stage["arrays"]:
        _shape(where, arrays, stage, "bias", (sets, units))
    if "input_bias" in stage["arrays"]:
        if not stage["static_input"]:
            _fail(where, "arrays.input_bias", stage["arrays"]["input_bias"], "none for a sequence block")
        _shape(where, arrays, stage, "input_bias", (units,))
