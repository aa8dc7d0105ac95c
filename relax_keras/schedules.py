"""Switch schedules: which weight set is active at each switched step.

A schedule is periodic with period `weight_sets * repeats` (L_W * L_T). It is given
by name or as an explicit sequence of weight-set indices for one period:

- `"blocked"`: `s(k) = (k // repeats) mod weight_sets`, each set held for `repeats`
  steps before the switch moves on (layer-by-layer reuse).
- `"cyclic"`: `s(k) = k mod weight_sets`, the sets interleaved and the cycle repeated
  `repeats` times.
- a sequence of `weight_sets * repeats` integers in `[0, weight_sets)`.

Pure Python: the hardware export reads it without TensorFlow.
"""

import collections.abc
import numbers

from relax_keras._validation import positive_int

SCHEDULE_NAMES = ("blocked", "cyclic")


def resolve_schedule(schedule, weight_sets, repeats):
    """Returns one period of `schedule` as a tuple of weight-set indices.

    Args:
        schedule: `"blocked"`, `"cyclic"`, or a sequence of `weight_sets * repeats`
            integers in `[0, weight_sets)`.
        weight_sets: int, the number of weight sets L_W.
        repeats: int, the repetition length L_T.

    Returns:
        A tuple of `weight_sets * repeats` ints.

    Example:

    >>> resolve_schedule("blocked", 2, 3)
    (0, 0, 0, 1, 1, 1)
    >>> resolve_schedule("cyclic", 2, 3)
    (0, 1, 0, 1, 0, 1)
    """
    weight_sets = positive_int("weight_sets", weight_sets)
    repeats = positive_int("repeats", repeats)
    period = weight_sets * repeats
    if isinstance(schedule, str):
        if schedule == "blocked":
            return tuple((k // repeats) % weight_sets for k in range(period))
        if schedule == "cyclic":
            return tuple(k % weight_sets for k in range(period))
        raise ValueError(
            "Received an invalid value for argument `schedule`, expected one of "
            f"{list(SCHEDULE_NAMES)} or a sequence of {period} weight-set indices, "
            f"got {schedule!r}."
        )
    ordered = hasattr(schedule, "__getitem__") and hasattr(schedule, "__len__")
    if not ordered or isinstance(schedule, collections.abc.Mapping):
        raise ValueError(
            "Received an invalid value for argument `schedule`, expected one of "
            f"{list(SCHEDULE_NAMES)} or an ordered sequence (list, tuple, array) of "
            f"{period} weight-set indices, got {schedule!r} ({type(schedule).__name__})."
        )
    positions = list(schedule)
    if len(positions) != period:
        raise ValueError(
            "Received an invalid value for argument `schedule`: an explicit schedule "
            f"needs weight_sets * repeats = {weight_sets} * {repeats} = {period} "
            f"entries, got {len(positions)}: {positions!r}."
        )
    for position in positions:
        if (
            isinstance(position, bool)
            or not isinstance(position, numbers.Integral)
            or not 0 <= position < weight_sets
        ):
            raise ValueError(
                "Received an invalid value for argument `schedule`: every entry must "
                f"be an integer in [0, {weight_sets}), got {position!r} in "
                f"{positions!r}."
            )
    return tuple(int(p) for p in positions)


def switch_positions(schedule, weight_sets, repeats, steps, start=0):
    """Returns the weight set active at steps `start .. start + steps - 1`.

    The schedule repeats with its period, so sequences longer than one period
    keep cycling through it.
    """
    period = resolve_schedule(schedule, weight_sets, repeats)
    return [period[k % len(period)] for k in range(start, start + steps)]


def count_switch_events(positions):
    """Returns how often the active weight set changes along `positions`."""
    return sum(1 for a, b in zip(positions, positions[1:]) if a != b)



def most_steps_per_set(positions, steps):
    """Returns the most steps one weight set takes in any `steps` consecutive steps
    of the periodic schedule `positions`, whatever step the window starts at.

    >>> most_steps_per_set((0, 0, 1, 1), 6)
    4
    """
    period = len(positions)
    full, rest = divmod(steps, period)
    in_rest = lambda s, start: sum(positions[(start + j) % period] == s for j in range(rest))
    return max(full * positions.count(s) + max(in_rest(s, start) for start in range(period))
               for s in set(positions))
