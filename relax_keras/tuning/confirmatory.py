"""The confirmatory study's analysis, as its pre-registration fixes it
(`tuning/results/confirm/PLAN.md`): six paired two-sided t-tests on the validation
split, Holm's step-down correction at 0.05, a verdict per hypothesis, and the
length-sensitivity flag from the paired 1x / 2x seeds; with `--test`, once every spec
has ended, the same tests on the test split, read once from the trials' sealed records
into `test.csv`.

    python -m relax_keras.tuning.confirmatory tuning/results/confirm          # validation
    python -m relax_keras.tuning.confirmatory tuning/results/confirm --test   # and test
"""

import argparse
import collections
import csv
import math
import pathlib

import numpy as np
from scipy import stats

from relax_keras._files import csv_text
from relax_keras._files import write_atomically
from relax_keras.tuning import records
from relax_keras.tuning.study_statistics import interval_half_width
from relax_keras.tuning.study_statistics import read_rows

ALPHA = 0.05
TEST_FIELDS = ("task", "encoding", "budget", "model", "weight_sets", "repeats", "learning_rate", "seed",
               "status", "test_metric")
# a point: (task, encoding, budget, model, L_W, L_T); the Keras baselines have L_W = L_T = 0
Hypothesis = collections.namedtuple("Hypothesis", "id spec a b higher_is_better exploratory_effect")
HYPOTHESES = (
    Hypothesis("H1", "confirm_shakespeare", ("shakespeare", "chars", 10_000, "relax", 2, 2),
               ("shakespeare", "chars", 10_000, "relax", 1, 4), False, 0.0368),
    Hypothesis("H2", "confirm_shakespeare", ("shakespeare", "chars", 100_000, "relax", 2, 2),
               ("shakespeare", "chars", 100_000, "relax", 4, 1), False, 0.0098),
    Hypothesis("H3", "confirm_shakespeare", ("shakespeare", "chars", 100_000, "relax", 4, 2),
               ("shakespeare", "chars", 100_000, "gru", 0, 0), False, 0.0116),
    Hypothesis("H4", "confirm_mnist_rows", ("mnist", "rows", 30_000, "relax", 1, 1),
               ("mnist", "rows", 30_000, "relax", 2, 2), True, 0.0063),
    Hypothesis("H5", "confirm_mnist_rows", ("mnist", "rows", 30_000, "lstm", 0, 0),
               ("mnist", "rows", 30_000, "relax", 1, 1), True, 0.0067),
    Hypothesis("H6", "confirm_mnist_flat", ("mnist", "flat", 200_000, "relax", 2, 2),
               ("mnist", "flat", 200_000, "relax", 1, 4), True, 0.0026),
)


def metrics_by_seed(rows, metric="val_metric"):
    """`{point: {seed: metric}}` over the completed trials."""
    table = collections.defaultdict(dict)
    for row in rows:
        if row["status"] == "ok":
            point = (row["task"], row["encoding"], int(row["budget"]), row["model"],
                     int(row["weight_sets"] or 0), int(row["repeats"] or 0))
            table[point][int(row["seed"])] = float(row[metric])
    return table


def read_test_once(rows, studies, path):
    """Returns the test figures of the completed trials in `rows` as rows of `path`
    (`test.csv`): read from the trials' sealed records the first time, and from `path`
    ever after, so that the test split is read once."""
    path = pathlib.Path(path)
    if not path.is_file():
        readings = [{**{f: row[f] for f in TEST_FIELDS[:-1]}, "test_metric": records.sealed_test_metric(studies, row)}
                    for row in rows if row["status"] == "ok"]
        write_atomically(path, csv_text(TEST_FIELDS, readings))  # never half a reading
    with open(path) as file:
        return list(csv.DictReader(file))


def differences(table, hypothesis):
    """`{seed: d}` over the seeds both points have, d positive in the predicted direction."""
    a, b = table.get(hypothesis.a, {}), table.get(hypothesis.b, {})
    sign = 1 if hypothesis.higher_is_better else -1
    return {seed: sign * (a[seed] - b[seed]) for seed in sorted(set(a) & set(b))}


def holm(p_values):
    """Holm's step-down adjusted p-values, in the order given."""
    order = np.argsort(p_values)
    adjusted, running = np.empty(len(p_values)), 0.0
    for rank, index in enumerate(order):
        running = max(running, min(1.0, (len(p_values) - rank) * p_values[index]))
        adjusted[index] = running
    return adjusted.tolist()


def verdicts(table, longer_table=None, shorter_table=None):
    """One result per hypothesis: n, mean d, its 95% interval, raw and Holm p, verdict;
    with the 1x and 2x tables of the length check, its flag."""
    results = []
    for hypothesis in HYPOTHESES:
        d = np.array(list(differences(table, hypothesis).values()))
        p = float(stats.ttest_1samp(d, 0.0).pvalue) if len(d) > 1 and d.std() > 0 else float("nan")
        results.append({"hypothesis": hypothesis, "n": len(d), "mean": float(d.mean()) if len(d) else math.nan,
                        "half_width": interval_half_width(d), "p": p})
    adjusted = holm([r["p"] if not math.isnan(r["p"]) else 1.0 for r in results])
    for result, p_holm in zip(results, adjusted):
        result["p_holm"] = p_holm
        significant = p_holm < ALPHA
        result["verdict"] = ("confirmed" if significant and result["mean"] > 0
                             else "reversed" if significant else "not confirmed")
        # not confirmed, and the interval lies wholly below the exploratory study's effect
        high = result["mean"] + result["half_width"]
        result["overstated"] = result["verdict"] != "confirmed" and high < result["hypothesis"].exploratory_effect
        if longer_table is not None and shorter_table is not None:
            result["length_sensitive"] = length_sensitive(result["hypothesis"], shorter_table, longer_table)
    return results


def length_sensitive(hypothesis, shorter_table, longer_table):
    """The plan's flag: the margin moves from 1x to 2x by more than half its 2x value
    (means over the seeds trained at both lengths); `None` without such seeds."""
    short, long = differences(shorter_table, hypothesis), differences(longer_table, hypothesis)
    seeds = sorted(set(short) & set(long))
    if not seeds:
        return None
    short_margin = np.mean([short[s] for s in seeds])
    long_margin = np.mean([long[s] for s in seeds])
    return bool(abs(long_margin - short_margin) > abs(long_margin) / 2)


def markdown(results):
    lines = ["| id | A vs B | n | mean d (95% CI) | p | p (Holm) | verdict | length-sensitive |",
             "| --- " * 8 + "|"]
    name = lambda point: (f"({point[4]}, {point[5]})" if point[3] == "relax" else point[3].upper())
    for r in results:
        h = r["hypothesis"]
        verdict = r["verdict"] + (" (exploratory effect overstated)" if r["overstated"] else "")
        lines.append(
            f"| {h.id} | {h.a[0]} {h.a[2]:,}: {name(h.a)} vs {name(h.b)} | {r['n']} "
            f"| {r['mean']:+.4f} ({r['mean'] - r['half_width']:+.4f}, {r['mean'] + r['half_width']:+.4f}) "
            f"| {r['p']:.2g} | {r['p_holm']:.2g} | {verdict} | {r.get('length_sensitive', '-')} |")
    return "\n".join(lines)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", nargs="?", default="tuning/results/confirm", type=pathlib.Path)
    parser.add_argument("--studies", default="tuning/studies", type=pathlib.Path,
                        help="where the studies' records (folders or archives) are")
    parser.add_argument("--test", action="store_true",
                        help="also the test split, read once (every spec must have ended)")
    args = parser.parse_args(argv)
    specs = sorted({h.spec for h in HYPOTHESES})
    shorter_specs = [f"{s}_1x" for s in specs]
    needed = specs + shorter_specs if args.test else specs
    missing = [s for s in needed if not (args.folder / s / "results.csv").is_file()]
    if missing:
        raise SystemExit(f"The study has not ended: no results for {missing} in {args.folder}.")
    rows = read_rows([args.folder / s / "results.csv" for s in specs])
    table = metrics_by_seed(rows)
    shorter = [args.folder / s / "results.csv" for s in shorter_specs]
    shorter_table = metrics_by_seed(read_rows(shorter)) if all(p.is_file() for p in shorter) else None
    print("Validation split (the verdict):\n")
    print(markdown(verdicts(table, table if shorter_table else None, shorter_table)))
    if args.test:
        readings = read_test_once(rows, args.studies, args.folder / "test.csv")
        print(f"\nTest split (read once, {args.folder / 'test.csv'}):\n")
        print(markdown(verdicts(metrics_by_seed(readings, "test_metric"))))


if __name__ == "__main__":
    main()
