"""The study's statistics, from its committed CSVs: per-point summaries over paired
seeds, the family comparisons with paired 95% intervals, convergence, the noise floor,
Holm's correction and the paired t-test's power.

Pure NumPy/SciPy over rows read from `results.csv` and `curves.csv`: every number of
the study's report is computed here, from files in the repository.
"""

import collections
import csv
import dataclasses
import math

import numpy as np
from scipy import integrate
from scipy import stats

from relax_keras import tasks
from relax_keras.tuning.study_oracle import RATE_STAGE

# A trial has converged when its validation metric moved by less than this over the
# last quarter of its curve (the last 2 of 8 evaluations).
CONVERGENCE_TOLERANCE = {"nats_per_char": 0.01, "accuracy": 0.002}
# the Keras baselines' model kinds (`relax_keras.tuning.study_grid.Point.model`)
BASELINES = ("simple_rnn", "gru", "lstm", "dense")


def read_rows(paths):
    """Reads the rows of several `results.csv` files (each row's `study`: the name of
    its folder); refuses to mix fingerprints or recipes, or training lengths within one task and
    encoding (its points are compared with each other)."""
    rows = []
    for path in paths:
        with open(path) as file:
            rows += [{**row, "study": path.parent.name} for row in csv.DictReader(file)]
    check_one_recipe(rows, f"The tables {[str(p) for p in paths]}", "report them apart")
    lengths = collections.defaultdict(set)
    for row in rows:
        lengths[(row["task"], row["encoding"])].add(row.get("steps"))
    for (task, encoding), steps in lengths.items():
        if len(steps) > 1:
            raise ValueError(f"The tables {[str(p) for p in paths]} train {task} {encoding} for "
                             f"different numbers of steps {sorted(steps)}; move the older study "
                             "to the history or report them apart.")
    return rows


def read_curves(paths):
    """Returns `{(study_output, trial_id): [(step, metric), ...]}`."""
    curves = collections.defaultdict(list)
    for path in paths:
        with open(path) as file:
            for row in csv.DictReader(file):
                curves[(str(path.parent), row["trial_id"])].append((int(row["step"]), float(row["val_metric"])))
    return curves


@dataclasses.dataclass
class Summary:
    """A point's validation metric over its paired seeds at the chosen learning rate."""

    point: tuple  # (task, encoding, budget, model, weight_sets, repeats)
    learning_rate: float
    by_seed: dict  # seed -> metric
    params: int

    @property
    def values(self):
        return np.array([self.by_seed[seed] for seed in sorted(self.by_seed)])

    @property
    def mean(self):
        return float(self.values.mean())

    @property
    def std(self):  # sample standard deviation
        return float(self.values.std(ddof=1)) if len(self.values) > 1 else float("nan")

    @property
    def half_width(self):
        return interval_half_width(self.values)


def interval_half_width(values, confidence=0.95):
    """Half the width of the t interval of the mean of `values` (nan for one value)."""
    values = np.asarray(values, float)
    if len(values) < 2:
        return float("nan")
    return float(stats.t.ppf(0.5 + confidence / 2, len(values) - 1) * values.std(ddof=1) / math.sqrt(len(values)))


def paired_p_value(differences):
    """The two-sided p-value of the paired t-test: the `differences` (one per pair)
    against a mean of 0; nan with fewer than two pairs or all of them equal (no test)."""
    differences = np.asarray(differences, float)
    if len(differences) < 2 or np.ptp(differences) == 0:
        return math.nan
    return float(stats.ttest_1samp(differences, 0.0).pvalue)


def holm(p_values):
    """Holm's step-down adjusted p-values, in the order given; a nan (no test) counts as 1."""
    p_values = np.nan_to_num(np.asarray(p_values, float), nan=1.0)
    order = np.argsort(p_values)
    adjusted, running = np.empty(len(p_values)), 0.0
    for rank, index in enumerate(order):
        running = max(running, min(1.0, (len(p_values) - rank) * p_values[index]))
        adjusted[index] = running
    return adjusted.tolist()


def power(effect, sd, n, alpha):
    """The power of a two-sided paired t-test at level `alpha` with `n` pairs, for a mean
    difference `effect` and a standard deviation of the differences `sd`: the
    noncentral t's two tails, integrated over the chi-square of the sample variance
    (robust where scipy's `nct` returns nan for a large noncentrality)."""
    df, shift = n - 1, effect / sd * math.sqrt(n)
    critical = stats.t.ppf(1 - alpha / 2, df)
    tails = lambda v: (stats.norm.sf(critical * math.sqrt(v / df) - shift)
                       + stats.norm.cdf(-critical * math.sqrt(v / df) - shift)) * stats.chi2.pdf(v, df)
    return integrate.quad(tails, 0, np.inf)[0]


def pairs_for_power(effect, sd, alpha, target=0.8):
    """The least n >= 2 whose `power` reaches `target`."""
    n = 2
    while power(effect, sd, n, alpha) < target:
        n += 1
    return n


def point_of(row):
    w, r = int(row["weight_sets"] or 0), int(row["repeats"] or 0)
    return (row["task"], row["encoding"], int(row["budget"]), row["model"], w, r)


def summarize(rows):
    """Returns `{point: Summary}` over the completed trials at each point's chosen rate:
    the rate of its best learning-rate trial over every table read (a follow-up that
    extends the rate grid adds some; ties: the first read), or, without any, of its
    seed trials."""
    by_point = collections.defaultdict(list)
    for row in rows:
        if row["status"] == "ok":
            by_point[point_of(row)].append(row)
    summaries = {}
    for point, point_rows in by_point.items():
        task = tasks.get(point[0])
        candidates = [r for r in point_rows if r["stage"] == RATE_STAGE] or point_rows[:1]
        best = candidates[0]
        for r in candidates[1:]:
            if task.better(float(r["val_metric"]), float(best["val_metric"])):
                best = r
        rate = float(best["learning_rate"])
        chosen = [r for r in point_rows if float(r["learning_rate"]) == rate]
        summaries[point] = Summary(point, rate, {int(r["seed"]): float(r["val_metric"]) for r in chosen},
                                   int(chosen[0]["params"]))
    return summaries


def rates_tried(rows):
    """Returns `{point: set of learning rates}` that each point's trials used."""
    tried = collections.defaultdict(set)
    for row in rows:
        tried[point_of(row)].add(float(row["learning_rate"]))
    return tried


def rate_edge(summary, rates):
    """`"max"` or `"min"` where the summary's chosen rate is the largest or smallest of
    the `rates` its point tried (of at least two), else `None`."""
    if len(rates) > 1 and summary.learning_rate == max(rates):
        return "max"
    if len(rates) > 1 and summary.learning_rate == min(rates):
        return "min"
    return None


def paired_difference(a, b, higher_is_better):
    """Returns `(mean, half_width, n)` of `a - b` over their common seeds, signed so that
    positive means `a` is better."""
    seeds = sorted(set(a.by_seed) & set(b.by_seed))
    sign = 1 if higher_is_better else -1
    differences = np.array([sign * (a.by_seed[s] - b.by_seed[s]) for s in seeds])
    if not len(differences):
        return float("nan"), float("nan"), 0
    return float(differences.mean()), interval_half_width(differences), len(differences)


def families(summaries, task_name, encoding, budget, depth):
    """Returns the compared models of one (task, encoding, budget, depth): the RNN end
    (L_W = 1), the DNN end (L_T = 1), and the best balanced ReLaX-Net (both > 1), each
    a `Summary` or `None`; the balanced one chosen on its validation mean."""
    task = tasks.get(task_name)
    here = {p[4:]: s for p, s in summaries.items()
            if p[:3] == (task_name, encoding, budget) and p[3] == "relax" and p[4] * p[5] == depth}
    balanced = [s for (w, r), s in here.items() if w > 1 and r > 1]
    best = None
    for summary in balanced:
        if best is None or task.better(summary.mean, best.mean):
            best = summary
    return {"rnn_end": here.get((1, depth)), "dnn_end": here.get((depth, 1)), "balanced": best}


def best_of(summaries, task_name, encoding, budget, models):
    """The summary with the best validation mean among `models` at one budget."""
    task = tasks.get(task_name)
    best = None
    for point, summary in summaries.items():
        if point[:3] == (task_name, encoding, budget) and point[3] in models:
            if best is None or task.better(summary.mean, best.mean):
                best = summary
    return best


def converged(curve, metric):
    """Whether a validation curve moved by less than the tolerance over its last quarter."""
    values = [value for _, value in sorted(curve)]
    back = max(1, len(values) // 4)
    return len(values) > back and abs(values[-1] - values[-1 - back]) < CONVERGENCE_TOLERANCE[metric]


def claims(summaries, task_name, encoding, budget, depths, baselines):
    """The study's claims at one budget: `(name, a, b)` for the best ReLaX-Net of any
    depth (L_W >= 2) against the best of `baselines`, and, at each of `depths` with a
    balanced point, the best balanced ReLaX-Net against the RNN end and the DNN end.
    `a` or `b` is `None` where that model was not trained."""
    relax = best_of({p: s for p, s in summaries.items() if p[4] >= 2}, task_name, encoding, budget, ("relax",))
    listed = [("best ReLaX vs best Keras baseline", relax, best_of(summaries, task_name, encoding, budget, baselines))]
    for depth in depths:
        fam = families(summaries, task_name, encoding, budget, depth)
        if fam["balanced"] is not None:
            listed += [(f"depth {depth}: balanced vs {end.replace('_', ' ')}", fam["balanced"], fam[end])
                       for end in ("rnn_end", "dnn_end")]
    return listed


def every_claim(summaries, task_name, encoding):
    """Yields `(budget, name, a, b)` for every claim of one task and encoding: at each
    budget, the `claims` at every depth that has a balanced point. Only claims whose
    two models were both trained."""
    here = [p for p in summaries if p[:2] == (task_name, encoding)]
    depths = sorted({p[4] * p[5] for p in here if p[3] == "relax"})
    for budget in sorted({p[2] for p in here}):
        for name, a, b in claims(summaries, task_name, encoding, budget, depths, BASELINES):
            if a is not None and b is not None:
                yield budget, name, a, b


def straddles_zero(a, b, higher_is_better):
    """Whether the paired 95% interval of `a - b` contains 0 (too few seeds to tell)."""
    mean, half, _ = paired_difference(a, b, higher_is_better)
    return not (mean - half > 0 or mean + half < 0)


@dataclasses.dataclass
class LengthCheck:
    """A point's run at one rate and seed, trained for the study's length and longer."""

    point: tuple
    learning_rate: float
    seed: int
    steps: int
    metric: float
    longer_steps: int
    longer_metric: float

    def gain(self, higher_is_better):
        """The longer run's improvement (positive = the longer run better)."""
        return (self.longer_metric - self.metric) * (1 if higher_is_better else -1)

    def converged(self, metric):
        """Whether training longer moved the validation metric by less than the tolerance."""
        return abs(self.longer_metric - self.metric) < CONVERGENCE_TOLERANCE[metric]


def check_one_recipe(rows, what, remedy):
    """Refuses `rows` of several model semantics (`fingerprint`) or recipes (`recipe`; a
    row written before recipes were fingerprinted has none)."""
    for field, meaning in (("fingerprint", "model semantics"), ("recipe", "recipes")):
        values = {row.get(field) or "" for row in rows}
        if len(values) > 1:
            raise ValueError(f"{what} mix {meaning} ({field}s {sorted(values)}); {remedy}.")


def length_checks(rows, longer_rows):
    """Pairs every completed run of `longer_rows` with the run of `rows` of the same
    point, learning rate and seed; returns a list of `LengthCheck`. Refuses to pair
    runs of different model semantics."""
    check_one_recipe([*rows, *longer_rows], "The longer runs and the study's runs", "they cannot be compared")
    key = lambda row: (point_of(row), float(row["learning_rate"]), int(row["seed"]))
    study = {key(row): row for row in rows if row["status"] == "ok"}
    checks = []
    for row in longer_rows:
        if row["status"] == "ok" and key(row) in study:
            short = study[key(row)]
            checks.append(LengthCheck(*key(row), int(short["steps"]), float(short["val_metric"]),
                                      int(row["steps"]), float(row["val_metric"])))
    return checks
