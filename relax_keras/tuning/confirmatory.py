"""The confirmatory study's analysis, as its pre-registration fixes it
(`tuning/results/confirm/PLAN.md`): six paired two-sided t-tests on the validation
split, Holm's step-down correction at 0.05, a verdict per hypothesis, and the
length-sensitivity flag from the seeds trained at 1x and 2x; with `--test`, once every
spec has ended, the same tests on the test split, read once from the trials' sealed
records into `test.csv`. Writes the study's report, `tuning/results/confirm/README.md`,
and prints it.

    python -m relax_keras.tuning.confirmatory          # validation (the verdict)
    python -m relax_keras.tuning.confirmatory --test   # and the test split, read once
"""

import argparse
import collections
import csv
import math
import pathlib

import numpy as np

from relax_keras._files import csv_text
from relax_keras._files import write_atomically
from relax_keras.tuning import records
from relax_keras.tuning import study_statistics as st

ALPHA = 0.05
FOLDER = pathlib.Path("tuning", "results", "confirm")  # below the repository's root
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
            table[st.point_of(row)][int(row["seed"])] = float(row[metric])
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


def verdicts(table, longer_table=None, shorter_table=None):
    """One result per hypothesis: n, mean d, its 95% interval, raw and Holm p, verdict;
    with the 1x and 2x tables of the length check, its margins and flag."""
    results = []
    for hypothesis in HYPOTHESES:
        d = np.array(list(differences(table, hypothesis).values()))
        results.append({"hypothesis": hypothesis, "n": len(d), "mean": float(d.mean()) if len(d) else math.nan,
                        "half_width": st.interval_half_width(d), "p": st.paired_p_value(d)})
    adjusted = st.holm([r["p"] for r in results])
    for result, p_holm in zip(results, adjusted):
        result["p_holm"] = p_holm
        significant = p_holm < ALPHA
        result["verdict"] = ("confirmed" if significant and result["mean"] > 0
                             else "reversed" if significant else "not confirmed")
        # not confirmed, and the interval lies wholly below the exploratory study's effect
        high = result["mean"] + result["half_width"]
        result["overstated"] = result["verdict"] != "confirmed" and high < result["hypothesis"].exploratory_effect
        if longer_table is not None and shorter_table is not None:
            result["length"] = length_margins(result["hypothesis"], shorter_table, longer_table)
            result["length_sensitive"] = length_sensitive(result["hypothesis"], shorter_table, longer_table)
    return results


def length_margins(hypothesis, shorter_table, longer_table):
    """`(seeds, margin at 1x, margin at 2x)`: the mean d over the seeds trained at both
    lengths; `None` without such seeds."""
    short, long = differences(shorter_table, hypothesis), differences(longer_table, hypothesis)
    seeds = sorted(set(short) & set(long))
    if not seeds:
        return None
    return seeds, float(np.mean([short[s] for s in seeds])), float(np.mean([long[s] for s in seeds]))


def length_sensitive(hypothesis, shorter_table, longer_table):
    """The plan's flag: the margin moves from 1x to 2x by more than half its 2x value
    (means over the seeds trained at both lengths); `None` without such seeds."""
    margins = length_margins(hypothesis, shorter_table, longer_table)
    if margins is None:
        return None
    _, short_margin, long_margin = margins
    return bool(abs(long_margin - short_margin) > abs(long_margin) / 2)


def seed_zero_tables(results, rows, shorter_rows):
    """The exploratory study's seed 0 of the hypotheses' points, at the rates and lengths
    of this study: `(at 1x, at 2x)` tables from `results/*/results.csv` (the study) and
    `results/length_check/*/results.csv` (its convergence check), which the plan pairs
    with seeds 10 and 11 in the length check."""
    tables = []
    for paths, like in ((sorted(results.glob("*/results.csv")), shorter_rows),
                        (sorted(results.glob("length_check/*/results.csv")), rows)):
        recipe = {(st.point_of(r), float(r["learning_rate"]), r["steps"]) for r in like}
        tables.append(metrics_by_seed(
            [r for r in st.read_rows(paths) if r["seed"] == "0"
             and (st.point_of(r), float(r["learning_rate"]), r["steps"]) in recipe]))
    return tuple(tables)


def joined(*tables):
    """One `{point: {seed: metric}}` table of several with different seeds."""
    table = collections.defaultdict(dict)
    for part in tables:
        for point, by_seed in part.items():
            table[point].update(by_seed)
    return table


def power_lines(summaries, n=10):
    """The plan's power table, recomputed from the exploratory study's summaries at the
    strictest Holm level, for the effect seen and for half of it."""
    alpha = ALPHA / len(HYPOTHESES)
    lines = ["| id | rates A / B | exploratory effect | sd of d | seeds | n for 80% (effect) | n for 80% (half) "
             f"| power at n = {n} (effect) | power at n = {n} (half) |", "| --- " * 9 + "|"]
    for h in HYPOTHESES:
        a, b = summaries[h.a], summaries[h.b]
        d = np.array(list(differences({h.a: a.by_seed, h.b: b.by_seed}, h).values()))
        effect, sd = d.mean(), d.std(ddof=1)
        lines.append(f"| {h.id} | {a.learning_rate:g} / {b.learning_rate:g} | {effect:+.4f} | {sd:.4f} | {len(d)} "
                     f"| {st.pairs_for_power(effect, sd, alpha)} | {st.pairs_for_power(effect / 2, sd, alpha)} "
                     f"| {st.power(effect, sd, n, alpha):.3f} | {st.power(effect / 2, sd, n, alpha):.3f} |")
    return lines


def ended(folder, suffix=""):
    """The rows of the hypotheses' specs (with `suffix`: `"_1x"`, the length check), or
    `None` while one of them has no `results.csv` (it has not ended)."""
    paths = [pathlib.Path(folder) / f"{spec}{suffix}" / "results.csv" for spec in sorted({h.spec for h in HYPOTHESES})]
    return st.read_rows(paths) if all(p.is_file() for p in paths) else None


def validation_results(folder=FOLDER):
    """The verdict on validation and `{point: Summary}` of the study's points, or `None`
    before its main specs have ended (for the README's advice table)."""
    rows = ended(folder)
    if rows is None:
        return None
    return verdicts(metrics_by_seed(rows)), st.summarize(rows)


def name(point):
    return f"({point[4]}, {point[5]})" if point[3] == "relax" else point[3].upper()


def markdown(results):
    lines = ["| id | A vs B | n | mean d (95% CI) | p | p (Holm) | verdict |",
             "| --- " * 7 + "|"]
    for r in results:
        h = r["hypothesis"]
        verdict = r["verdict"] + (" (exploratory effect overstated)" if r["overstated"] else "")
        lines.append(
            f"| {h.id} | {h.a[0]} {h.a[2]:,}: {name(h.a)} vs {name(h.b)} | {r['n']} "
            f"| {r['mean']:+.4f} ({r['mean'] - r['half_width']:+.4f}, {r['mean'] + r['half_width']:+.4f}) "
            f"| {r['p']:.2g} | {r['p_holm']:.2g} | {verdict} |")
    return lines


def length_lines(results):
    lines = ["| id | seeds | margin at 1x | margin at 2x | length-sensitive |", "| --- " * 5 + "|"]
    for r in results:
        if r.get("length") is None:
            lines.append(f"| {r['hypothesis'].id} | none at both lengths | | | n/a |")
            continue
        seeds, short_margin, long_margin = r["length"]
        lines.append(f"| {r['hypothesis'].id} | {', '.join(map(str, seeds))} | {short_margin:+.4f} "
                     f"| {long_margin:+.4f} | {'yes' if r['length_sensitive'] else 'no'} |")
    return lines


def header_lines(rows, shorter_rows):
    every = rows + (shorter_rows or [])
    lines = ["# Confirmatory study: results", "",
             "Written by `python -m relax_keras.tuning.confirmatory` from the committed "
             "`confirm_*/results.csv` beside this file (and `test.csv`, once read); the plan, "
             "committed before the first run: [`PLAN.md`](PLAN.md).", "",
             "| spec | trials ok | of | steps | trial-hours |", "| --- " * 5 + "|"]
    for study in sorted({r["study"] for r in every}):
        here = [r for r in every if r["study"] == study]
        lines.append(f"| `{study}` | {sum(r['status'] == 'ok' for r in here)} | {len(here)} | "
                     f"{', '.join(sorted({r['steps'] for r in here}))} | "
                     f"{sum(float(r['seconds']) for r in here) / 3600:.1f} |")
    return lines + [
        "", f"Trial-hours in all: {sum(float(r['seconds']) for r in every) / 3600:.1f}: each trial's wall time on "
        "its one thread, which counts the time it shared its core or was paused, so it overstates the CPU "
        "time; trials cut off by a session's end and run again count once. Commits: "
        f"{', '.join(sorted({r['commit'] for r in every}))}; semantics fingerprint: "
        f"{', '.join(sorted({r['fingerprint'] for r in every}))}; CPUs: {'; '.join(sorted({r['cpu'] for r in every}))}."]


def report_lines(rows, shorter_rows=None, seed_zero=({}, {}), readings=None, explored=None):
    """The report: trials and compute, the verdict on validation, the length check
    (once the `_1x` specs have ended), the test split (once read), and with `explored`
    (the exploratory study's summaries) the plan's power table recomputed."""
    table = metrics_by_seed(rows)
    results, length, test = verdicts(table), None, None
    if shorter_rows is not None:
        results = verdicts(table, joined(seed_zero[1], table), joined(seed_zero[0], metrics_by_seed(shorter_rows)))
        length = ["Mean d over the seeds trained at the exploratory length (1x) and at this study's (2x); "
                  "seed 0 is the exploratory study's run and its convergence check. Length-sensitive: "
                  "the margin moves by more than half its 2x value (reported, not part of the verdict).", "",
                  *length_lines(results)]
    if readings is not None:
        test = ["The same tests on the test split, read once into `test.csv`; they do not change the verdict.",
                "", *markdown(verdicts(metrics_by_seed(readings, "test_metric")))]
    validation = ["d = A - B, signed so that positive is the predicted direction (nats per character for "
                  "Tiny Shakespeare, accuracy as a fraction for MNIST); paired t, two-sided; Holm over the six.",
                  "", *markdown(results)]
    return (header_lines(rows, shorter_rows) + section("Validation: the verdict", validation)
            + section("Length check", length, "Not yet: the `_1x` specs have not ended.")
            + section("Test split (read once)", test,
                      "Not read yet: it is read once, after every spec has ended (`--test`).")
            + ([] if explored is None else section("Power, recomputed", [
                "The plan's power table (paired t, two-sided, at 0.05 / 6), recomputed by this code from the "
                "exploratory study's committed tables.", "", *power_lines(explored)])))


def section(title, lines, absent=""):
    """A report section: its title, then `lines`, or the sentence `absent` without them."""
    return ["", f"## {title}", "", *(lines if lines is not None else [absent])]


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", nargs="?", default=FOLDER, type=pathlib.Path)
    parser.add_argument("--studies", default="tuning/studies", type=pathlib.Path,
                        help="where the studies' records (folders or archives) are")
    parser.add_argument("--test", action="store_true",
                        help="also the test split, read once (every spec must have ended)")
    args = parser.parse_args(argv)
    rows, shorter_rows = ended(args.folder), ended(args.folder, "_1x")
    specs = sorted({h.spec for h in HYPOTHESES})
    if rows is None or (args.test and shorter_rows is None):
        needed = specs + [f"{s}_1x" for s in specs] if args.test else specs
        missing = [s for s in needed if not (args.folder / s / "results.csv").is_file()]
        raise SystemExit(f"The study has not ended: no results for {missing} in {args.folder}.")
    seed_zero = seed_zero_tables(args.folder.parent, rows, shorter_rows) if shorter_rows else ({}, {})
    test_path = args.folder / "test.csv"
    readings = read_test_once(rows, args.studies, test_path) if args.test or test_path.is_file() else None
    exploratory_tables = sorted(args.folder.parent.glob("*/results.csv"))
    explored = st.summarize(st.read_rows(exploratory_tables)) if exploratory_tables else None
    lines = report_lines(rows, shorter_rows, seed_zero, readings, explored)
    write_atomically(args.folder / "README.md", "\n".join(lines) + "\n")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
