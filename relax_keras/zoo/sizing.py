"""The width of a zoo model: given, or the largest that fits a parameter budget."""

from relax_keras.budget import largest_units
from relax_keras.validation import positive_int


def resolve_units(units, param_budget, params_for_units):
    """Returns `units`, or the largest width whose model fits `param_budget`.

    Args:
        units: int or `None`.
        param_budget: int or `None`; exactly one of the two is given.
        params_for_units: callable, `units -> parameter count` of the whole model.
    """
    if (units is None) == (param_budget is None):
        raise ValueError(
            "Pass exactly one of `units` and `param_budget`, got "
            f"units={units!r} and param_budget={param_budget!r}."
        )
    if param_budget is not None:
        return largest_units(param_budget, params_for_units)
    return positive_int("units", units)
