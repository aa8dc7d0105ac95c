"""Argument checks shared by the package: fail early, name the argument, the value
and what is expected."""

import math
import numbers


def positive_int(name, value):
    """Returns `value` as an `int`, or raises `ValueError` if it is not a positive integer."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < 1:
        raise ValueError(
            f"Received an invalid value for argument `{name}`, expected a positive "
            f"integer, got {value!r}."
        )
    return int(value)


def non_negative(name, value):
    """Returns `value` as a `float`, or raises `ValueError` if it is not a finite number >= 0."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or not 0 <= value < math.inf:
        raise ValueError(
            f"Received an invalid value for argument `{name}`, expected a finite number >= 0, "
            f"got {value!r}."
        )
    return float(value)


def fraction(name, value):
    """Returns `value` as a `float`, or raises `ValueError` if it is not a number in [0, 1)."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or not 0 <= value < 1:
        raise ValueError(
            f"Received an invalid value for argument `{name}`, expected a number in "
            f"[0, 1), got {value!r}."
        )
    return float(value)


def one_of(name, value, choices):
    """Returns `value`, or raises `ValueError` if it is not one of `choices`."""
    if value not in choices:
        raise ValueError(
            f"Received an invalid value for argument `{name}`, expected one of "
            f"{list(choices)}, got {value!r}."
        )
    return value
