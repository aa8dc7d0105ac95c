"""The points of the study: every (L_W, L_T) of the grid and the Keras baselines, per
task, encoding and budget."""

import dataclasses


@dataclasses.dataclass(frozen=True)
class Point:
    """One model of the study, trained at several learning rates and seeds.

    `model` is `"relax"` (with `weight_sets` L_W and `repeats` L_T) or a Keras baseline
    kind (`"simple_rnn"`, `"gru"`, `"lstm"`, `"dense"`).
    """

    task: str
    encoding: str
    budget: int
    model: str
    weight_sets: int = 0
    repeats: int = 0

    @property
    def depth(self):
        return self.weight_sets * self.repeats

    @property
    def family(self):
        """`"rnn_end"` (L_W = 1), `"dnn_end"` (L_T = 1), `"relax"` (both > 1), `"single"`
        (L_W = L_T = 1, both ends at once) or the baseline kind."""
        if self.model != "relax":
            return self.model
        if self.weight_sets == 1:
            return "single" if self.repeats == 1 else "rnn_end"
        return "dnn_end" if self.repeats == 1 else "relax"

    @property
    def key(self):
        """A stable string naming the point (the search's hyperparameter value)."""
        shape = f"{self.weight_sets}x{self.repeats}" if self.model == "relax" else "-"
        return f"{self.task}/{self.encoding}/{self.budget}/{self.model}/{shape}"


def grid_points(task, encoding, budgets, weight_sets, repeats, depths, baselines):
    """Returns the study's points in order: the grid of each budget (by depth), then
    its baselines.

    Args:
        task: a `relax_keras.tasks.Task`.
        encoding: str, one of `task.encodings`.
        budgets: list of int, parameter budgets.
        weight_sets, repeats: lists of int, the L_W and L_T values of the grid.
        depths: list of int, the depths L_W * L_T to keep.
        baselines: bool, whether to add the task's Keras baselines for the encoding.
    """
    points = []
    for budget in budgets:
        pairs = sorted(((w, r) for w in weight_sets for r in repeats if w * r in depths),
                       key=lambda pair: (pair[0] * pair[1], pair))
        points += [Point(task.name, encoding, budget, "relax", w, r) for w, r in pairs]
        if baselines:
            points += [Point(task.name, encoding, budget, kind) for kind in task.baselines[encoding]]
    return points
