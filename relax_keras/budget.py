"""Parameter-budget arithmetic, in pure Python.

Counts match `count_params()` of the Keras layers exactly (tests check this). A
"fixed parameter budget" means the whole model's count is at most the budget, with
the width `units` chosen as the largest that fits.
"""

from relax_keras._validation import positive_int


def relax_block_params(input_dim, units, weight_sets, static_input=False, use_bias=True):
    """Returns the parameter count of a `ReLaXBlock`.

    `d*N + L_W*(N*N + N)`, plus `N` for the input bias of a static-input block.

    Args:
        input_dim: int, the input feature size d.
        units: int, the width N.
        weight_sets: int, the number of weight sets L_W.
        static_input: bool, whether the block takes a static `(batch, d)` input.
        use_bias: bool, whether the block has biases.
    """
    biases = weight_sets * units + (units if static_input else 0)
    return input_dim * units + weight_sets * units * units + (biases if use_bias else 0)


def dense_params(input_dim, units, use_bias=True):
    """Returns the parameter count of `keras.layers.Dense`."""
    return input_dim * units + (units if use_bias else 0)


def simple_rnn_params(input_dim, units):
    """Returns the parameter count of `keras.layers.SimpleRNN`."""
    return input_dim * units + units * units + units


def gru_params(input_dim, units):
    """Returns the parameter count of `keras.layers.GRU` (`reset_after=True`)."""
    return 3 * (input_dim * units + units * units + 2 * units)


def lstm_params(input_dim, units):
    """Returns the parameter count of `keras.layers.LSTM`."""
    return 4 * (input_dim * units + units * units + units)


class BudgetTooSmall(ValueError):
    """A parameter budget below the smallest model of a configuration (`units=1`)."""


def largest_units(budget, params_for_units, max_units=1 << 16):
    """Returns the largest width whose model fits the budget.

    Args:
        budget: int, the most parameters the whole model may have.
        params_for_units: callable, `units -> parameter count` of the whole model,
            non-decreasing in `units`.
        max_units: int, the largest width considered.

    Raises:
        BudgetTooSmall: (a `ValueError`) if even `units=1` does not fit; the message
            gives the smallest feasible budget.
    """
    budget = positive_int("param_budget", budget)
    smallest = params_for_units(1)
    if smallest > budget:
        raise BudgetTooSmall(
            f"Received an invalid value for argument `param_budget`: {budget} is too "
            f"small, the smallest feasible budget for this configuration is "
            f"{smallest} (units=1)."
        )
    low, high = 1, max_units
    while low < high:
        middle = (low + high + 1) // 2
        if params_for_units(middle) <= budget:
            low = middle
        else:
            high = middle - 1
    return low


def resolve_units(units, param_budget, params_for_units, default_units=None):
    """Returns a model's width: `units`, or the largest whose model fits `param_budget`.

    The one place where a parameter budget becomes a width.

    Args:
        units: int, or `None` for `default_units` (or for the budget's width).
        param_budget: int or `None`; when given, `units` must be `None`.
        params_for_units: callable, `units -> parameter count` of the whole model.
        default_units: int or `None`, the width when neither is given.
    """
    if param_budget is None:
        return positive_int("units", default_units if units is None else units)
    if units is not None:
        raise ValueError(
            "Pass `units` or `param_budget`, not both: got "
            f"units={units!r} and param_budget={param_budget!r}."
        )
    return largest_units(param_budget, params_for_units)


def divisor_pairs(depth):
    """Returns the (weight_sets, repeats) pairs with `weight_sets * repeats == depth`."""
    depth = positive_int("depth", depth)
    return [(w, depth // w) for w in range(1, depth + 1) if depth % w == 0]


def feasible_pairs(budget, depth, params_for):
    """Lists the (L_W, L_T) pairs of a given depth that fit a budget.

    Args:
        budget: int, the most parameters the whole model may have.
        depth: int, the effective depth D = L_W * L_T.
        params_for: callable, `(units, weight_sets) -> parameter count` of the
            whole model.

    Returns:
        A list of `(weight_sets, repeats, units)` tuples, one per feasible pair,
        `units` being the largest width that fits.
    """
    pairs = []
    for weight_sets, repeats in divisor_pairs(depth):
        count = lambda units, w=weight_sets: params_for(units, w)  # noqa: E731
        if count(1) <= budget:
            pairs.append((weight_sets, repeats, largest_units(budget, count)))
    return pairs
