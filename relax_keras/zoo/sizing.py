"""The width of a zoo model: given, or the largest that fits a parameter budget."""

from relax_keras.budget import largest_units
from relax_keras._validation import positive_int


def resolve_units(units, param_budget, params_for_units, default_units=None):
    """Returns `units`, or the largest width whose model fits `param_budget`.

    Args:
        units: int, the width asked for.
        param_budget: int or `None`; when given, `units` must be left at its default.
        params_for_units: callable, `units -> parameter count` of the whole model.
        default_units: int or `None`, the constructor's default width.
    """
    if param_budget is None:
        return positive_int("units", units)
    if units != default_units:
        raise ValueError(
            "Pass `units` or `param_budget`, not both: got "
            f"units={units!r} and param_budget={param_budget!r}."
        )
    return largest_units(param_budget, params_for_units)
