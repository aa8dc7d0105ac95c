"""Writes the study's report from the committed CSVs: `tuning/results/README.md`'s
tables, its figures and `test.csv`, the recommendation table of README.md and the
figures `relax-keras info` shows (`relax_keras/tuning/measured.csv`). Every number of
the study in those files is computed here. Run from the repository's root:

    python -m relax_keras.tuning.report               # tables and figures, validation only
    python -m relax_keras.tuning.report --final-test  # once, at the end: the test split of
                                                      # the configurations chosen on validation
"""

import argparse
import collections
import csv
import pathlib
import sys

import numpy as np

from relax_keras import tasks
from relax_keras.tuning import confirmatory
from relax_keras.tuning import measured
from relax_keras.tuning import records
from relax_keras.tuning import study_statistics as st

RESULTS = pathlib.Path("tuning", "results")  # below the repository's root
STUDIES = pathlib.Path("tuning", "studies")
WRITER = "written by python -m relax_keras.tuning.report"
BEGIN, END = f"<!-- study summary: {WRITER} -->", "<!-- end of study summary -->"
TABLES_BEGIN, TABLES_END = f"<!-- study tables: {WRITER} -->", "<!-- end of study tables -->"
ADVICE_BEGIN, ADVICE_END = f"<!-- which L_W, L_T: {WRITER} -->", "<!-- end of which L_W, L_T -->"
CONFIRMED_BEGIN, CONFIRMED_END = f"<!-- confirmatory verdict: {WRITER} -->", "<!-- end of confirmatory verdict -->"
TASK_LABELS = {("shakespeare", "chars"): "Tiny Shakespeare (nats/char, lower is better)",
               ("mnist", "rows"): "MNIST rows (accuracy)", ("mnist", "flat"): "MNIST flat (accuracy)"}
VERDICT_DEPTHS = (4, 8)
ALPHA = 0.05
READINGS = "test_readings.csv"  # every reading of the test split, and what was decided after it


def fmt(value, metric, sign=False):
    if value != value:  # nan
        return "n/a"
    if metric == "accuracy":
        return f"{value * 100:+.2f}" if sign else f"{value * 100:.2f}%"
    return f"{value:+.4f}" if sign else f"{value:.4f}"


def summary_cell(summary, metric):
    if summary is None:
        return "not run yet"
    scale = 100 if metric == "accuracy" else 1
    digits = 2 if metric == "accuracy" else 4
    return (f"{summary.mean * scale:.{digits}f} ± {summary.half_width * scale:.{digits}f}"
            f" (n={len(summary.by_seed)})")


def difference_cell(a, b, metric, higher_is_better):
    if a is None or b is None:
        return "n/a"
    mean, half, n = st.paired_difference(a, b, higher_is_better)
    scale = 100 if metric == "accuracy" else 1
    digits = 2 if metric == "accuracy" else 4
    return f"{mean * scale:+.{digits}f} ± {half * scale:.{digits}f} ({verdict_word(a, b, higher_is_better)}, n={n})"


def verdict_word(a, b, higher_is_better):
    """"better" / "worse" where the paired 95% interval of `a - b` excludes 0, else "tie"
    ("n/a" without an interval)."""
    mean, half, _ = st.paired_difference(a, b, higher_is_better)
    return "n/a" if half != half else ("better" if mean - half > 0 else "worse" if mean + half < 0 else "tie")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--final-test", action="store_true",
                        help="score the test split of the chosen configurations (once, at the end)")
    parser.add_argument("--root", type=pathlib.Path, default=pathlib.Path("."),
                        help="the repository's root (default: the current directory)")
    args = parser.parse_args(argv)
    here = args.root / RESULTS
    results = study_tables(args.root)
    if not results:
        raise SystemExit(f"no study results under {here}/*/results.csv yet")
    rows = st.read_rows(results)
    curves = st.read_curves([p.with_name("curves.csv") for p in results])
    summaries = st.summarize(rows)
    chosen = []
    lines = selection_lines(results, rows, curves, summaries, chosen)
    if args.final_test:
        final_test(rows, chosen, here / "test.csv", args.root / STUDIES)
    lines += check_lines(here, rows, summaries)
    verdict = verdict_lines(summaries, test_summaries(here / "test.csv"), read_readings(here / READINGS))
    write_between(here / "README.md", TABLES_BEGIN, TABLES_END, lines)
    write_between(here / "README.md", BEGIN, END, verdict)
    confirmed = confirmatory.validation_results(args.root / confirmatory.FOLDER)
    write_between(here / "README.md", CONFIRMED_BEGIN, CONFIRMED_END, confirmed_lines(confirmed))
    write_between(args.root / "README.md", ADVICE_BEGIN, ADVICE_END, advice_lines(summaries, confirmed))
    measured.write(summaries, args.root / "relax_keras" / "tuning" / measured.MEASURED.name)
    plot(summaries, here / "families.png")
    plot_against_weight_sets(summaries, here / "weight_sets.png")
    plot_curves(rows, curves, summaries, here / "curves.png", here)
    print(f"wrote {here / 'README.md'} and {args.root / 'README.md'}")


def selection_lines(results, rows, curves, summaries, chosen):
    """The report's header and, per task, its tables on validation; appends the
    configurations chosen on validation to `chosen`."""
    lines = header(rows, results, curves)
    for task_name, encoding in sorted({(p[0], p[1]) for p in summaries}):
        lines += task_section(summaries, task_name, encoding, chosen)
    return lines


def check_lines(here, rows, summaries):
    """The report's test table (once read), convergence checks and learning rates."""
    lines = test_section(here / "test.csv") if (here / "test.csv").exists() else []
    longer = sorted(here.glob("length_check/*/results.csv"))
    if longer:
        lines += length_section(st.length_checks(rows, st.read_rows(longer)), summaries)
    return lines + rate_section(summaries, rows)


def study_tables(root):
    """The results tables of the study's main specs and follow-ups below `root`."""
    return sorted((root / RESULTS).glob("*/results.csv"))


def write_between(path, begin, end, lines):
    """Replaces what stands between the markers `begin` and `end` in the file `path`."""
    text = path.read_text()
    start, stop = text.index(begin) + len(begin), text.index(end)
    path.write_text(text[:start] + "\n" + "\n".join(lines) + "\n" + text[stop:])


def between(path, begin, end):
    """Returns the lines between the markers `begin` and `end` in the file `path`."""
    text = path.read_text()
    return text[text.index(begin) + len(begin):text.index(end)].strip().splitlines()


INPUT_KINDS = {  # (task, encoding) -> the input, in a hardware designer's words
    ("mnist", "flat"): "static (MNIST flat)",
    ("mnist", "rows"): "short sequence (MNIST rows)",
    ("shakespeare", "chars"): "long sequence (text)",
}


def advice_lines(summaries, confirmed=None):
    """README.md's "Which L_W, L_T at my budget?" table: per input kind and budget, the
    ReLaX-Net with the best validation mean, and its paired margin over the best
    ReLaX-Net of the other kind (switched, L_W >= 2, against unswitched, L_W = 1).
    Where the confirmatory study (`confirmed`: `confirmatory.validation_results`)
    tested a switched against an unswitched ReLaX-Net, the row is that test's: the
    better of its two on its fresh seeds, its margin and its Holm-adjusted p."""
    tested = {}
    for result in (confirmed or ((), {}))[0]:
        a, b = result["hypothesis"].a, result["hypothesis"].b
        if a[3] == b[3] == "relax" and (a[4] == 1) != (b[4] == 1):
            tested[a[:3]] = (confirmed[1][a], confirmed[1][b], result)
    lines = ["| input | budget | use (L_W, L_T) | validation | margin over the other kind | how sure |",
             "| --- | --- | --- | --- | --- | --- |"]
    for task_name, encoding in sorted({p[:2] for p in summaries}):
        task = tasks.get(task_name)
        for budget in sorted({p[2] for p in summaries if p[:2] == (task_name, encoding)}):
            here = {p: s for p, s in summaries.items() if p[:4] == (task_name, encoding, budget, "relax")}
            if (task_name, encoding, budget) in tested:
                switched, plain, result = tested[(task_name, encoding, budget)]
            else:
                switched = st.best_of({p: s for p, s in here.items() if p[4] >= 2}, task_name, encoding, budget, ("relax",))
                plain = st.best_of({p: s for p, s in here.items() if p[4] == 1}, task_name, encoding, budget, ("relax",))
                result = None
            best, other = (switched, plain) if task.better(switched.mean, plain.mean) else (plain, switched)
            mean, half, n = st.paired_difference(best, other, task.higher_is_better)
            scale, digits = (100, 2) if task.metric == "accuracy" else (1, 4)
            if result is None:
                sure = f"{'clear' if mean - half > 0 else 'noise'} (n={n}, best of {len(here)})"
            else:
                sure = (f"{'clear' if result['p_holm'] < ALPHA else 'noise'} ({result['hypothesis'].id}: "
                        f"n={n}, Holm p={result['p_holm']:.2g})")
            lines.append(
                f"| {INPUT_KINDS[(task_name, encoding)]} | {budget:,} | {best.point[4:]} | "
                f"{summary_cell(best, task.metric)} | {mean * scale:+.{digits}f} ± {half * scale:.{digits}f} "
                f"vs {other.point[4:]} | {sure} |")
    return lines


def confirmed_lines(confirmed):
    """The confirmatory study's verdict on validation (`confirmatory.validation_results`),
    or a line saying it has not ended."""
    if confirmed is None:
        return ["Not yet: the confirmatory study's main specs have not all ended."]
    return ["The confirmatory study's verdict on validation (its report, with the length check and the "
            "test split: [`confirm/README.md`](confirm/README.md)):", "", *confirmatory.markdown(confirmed[0])]


def header(rows, results, curves):
    ok = [r for r in rows if r["status"] == "ok"]
    cpu_hours = sum(float(r["seconds"]) for r in ok) / 3600
    converged = collections.defaultdict(list)
    for (study_dir, trial_id), curve in curves.items():
        metric = "nats_per_char" if "shakespeare" in study_dir else "accuracy"
        converged[pathlib.Path(study_dir).name].append(st.converged(curve, metric))
    lines = [
        "Written by `python -m relax_keras.tuning.report` from the committed `*/results.csv` and",
        "`*/curves.csv` (the KerasTuner records behind them are in `tuning/studies/`). Specs:",
        "`tuning/specs/study_*.json`; run with `bash tuning/run_studies.sh` (resumable). Tables",
        "replaced by these (shorter training, or identical initial weight sets) are in `tuning/history/`.",
        "",
        f"- semantics fingerprint: `{rows[0]['fingerprint']}`; commits: "
        + ", ".join(f"`{c}`" for c in sorted({r['commit'] for r in rows})),
        f"- machine: {sorted({r['cpu'] for r in rows})[0]}; TensorFlow {rows[0]['tensorflow']}, Keras {rows[0]['keras']}",
        f"- trials: {len(ok)} completed ({len(rows) - len(ok)} infeasible or failed); training time "
        f"{cpu_hours:.2f} CPU-hours (one thread per trial)",
        "- figures: `families.png` (metric against budget per family at depths 4 and 8, with the best ReLaX-Net of any depth and the best Keras baseline), `weight_sets.png` "
        "(metric against L_W at fixed depth), `curves.png` (validation curves of the compared families)",
        "- method: each point trained from scratch with Adam and a cosine decay to 0; learning rate "
        "chosen from its study's grid (below) on the validation split with seed 0, then seeds 1 and 2 at "
        "the chosen rate; where the chosen rate was the largest or smallest of the grid, seed 0 also at "
        "the next rate past that edge (the `*_rates` follow-ups, `follow_ups.py rates`), the rate then "
        "chosen over every rate the point tried, and its other seeds run at a rate that won there "
        "(the `*_moved` follow-ups); where a claim's paired interval over seeds 0-2 included 0 on validation, "
        "seeds 3 and 4 for both of its models at their rates (the `*_seeds` follow-ups, written by "
        f"`tools/follow_ups.py seeds` from the validation tables); test split read for the "
        f"chosen configurations only ({reading_counts(read_readings(results[0].parents[1] / READINGS))} in all); "
        "a seed fixes the initial "
        "weights and the order of the training batches (paired seeds); MNIST: train = first 50,000 training images, validation = the next 5,000, "
        "test = the last 5,000 (the official test files are not at hand); Tiny Shakespeare: tfds's "
        "90/5/5 splits, scored with 100 characters of unscored context.",
        "- intervals: mean ± half-width of the 95% t interval over seeds (sample std); paired "
        "differences over the same seeds, positive = the first model better; 'better' / 'worse' "
        "only where the interval excludes 0.",
        "- training length and learning-rate grid: " + "; ".join(
            f"{name} {steps:,} steps{grid(ok, name)}" for name, steps in sorted({(r['study'], int(r['steps'])) for r in ok})),
        f"- flat curves (validation moved by less than {st.CONVERGENCE_TOLERANCE['nats_per_char']} nats "
        f"or {st.CONVERGENCE_TOLERANCE['accuracy'] * 100:.1f} points over the last quarter of training; "
        "under a cosine decay the last quarter still anneals at any length; the convergence "
        "check below trains the compared models longer): "
        + "; ".join(f"{name} {sum(v)}/{len(v)}" for name, v in sorted(converged.items())),
        "",
    ]
    return lines


def grid(rows, study):
    """`, rates {...}` tried by the study's learning-rate trials (none in a follow-up)."""
    rates = sorted({float(r["learning_rate"]) for r in rows if r["study"] == study and r["stage"] == "learning_rate"})
    return ", rates {" + ", ".join(f"{rate:g}" for rate in rates) + "}" if rates else ""


def task_section(summaries, task_name, encoding, chosen):
    task = tasks.get(task_name)
    metric, higher = task.metric, task.higher_is_better
    budgets = sorted({p[2] for p in summaries if p[:2] == (task_name, encoding)})
    depths = sorted({p[4] * p[5] for p in summaries if p[:2] == (task_name, encoding) and p[3] == "relax"})
    lines = [f"## {TASK_LABELS.get((task_name, encoding), task_name + ' ' + encoding)}", "",
             "| budget | depth | RNN end (1, D) | best balanced (L_W, L_T) | DNN end (D, 1) | "
             "balanced - RNN end | balanced - DNN end |", "| --- | --- | --- | --- | --- | --- | --- |"]
    for budget in budgets:
        for depth in depths:
            fam = st.families(summaries, task_name, encoding, budget, depth)
            if not any(fam.values()):
                continue
            balanced = fam["balanced"]
            name = f"({balanced.point[4]}, {balanced.point[5]}) " if balanced else ""
            # depths 1 to 3 have no point with both L_W and L_T above 1 (depth 1: the ends are one model)
            balanced_cell = summary_cell(balanced, metric) if depth >= 4 else "none at this depth"
            lines.append(
                f"| {budget:,} | {depth} | {summary_cell(fam['rnn_end'], metric)} | "
                f"{name}{balanced_cell} | {summary_cell(fam['dnn_end'], metric)} | "
                f"{difference_cell(balanced, fam['rnn_end'], metric, higher)} | "
                f"{difference_cell(balanced, fam['dnn_end'], metric, higher)} |")
            chosen += [s for s in fam.values() if s is not None]
    lines += ["", "| budget | best ReLaX-Net (L_W >= 2) | best Keras baseline | ReLaX - baseline | "
              "noise floor: ReLaX (1, 1) - SimpleRNN |", "| --- | --- | --- | --- | --- |"]
    for budget in budgets:
        relax = st.best_of({p: s for p, s in summaries.items() if p[4] >= 2}, task_name, encoding, budget, ("relax",))
        baseline = st.best_of(summaries, task_name, encoding, budget, st.BASELINES)
        single = summaries.get((task_name, encoding, budget, "relax", 1, 1))
        simple = summaries.get((task_name, encoding, budget, "simple_rnn", 0, 0))
        describe = lambda s: "not run yet" if s is None else (
            f"{s.point[3] if s.point[3] != 'relax' else f'({s.point[4]}, {s.point[5]})'} "
            f"{summary_cell(s, metric)}")
        lines.append(f"| {budget:,} | {describe(relax)} | {describe(baseline)} | "
                     f"{difference_cell(relax, baseline, metric, higher)} | "
                     f"{difference_cell(single, simple, metric, higher)} |")
        chosen += [s for s in (relax, baseline) if s is not None]
    return lines + [""]


def verdict_lines(summaries, tested=None, readings=()):
    """README.md's summary: per task, budget and depth (4 and 8), how the best balanced
    ReLaX-Net compares with both ends, and the best ReLaX-Net with the best Keras
    baseline (paired 95% intervals over seeds); with `tested` (`test_summaries`), the
    same comparisons of the same configurations, chosen on validation, on the test split
    (`readings`: `read_readings`, counted)."""
    splits = {"validation": summaries, **({"test": tested} if tested else {})}
    lines = multiplicity_lines(summaries, tested) + [
        "Uncorrected, each comparison below called one by one ('better' / 'worse' where its interval "
        "excludes 0), counted per task (the baseline column once per budget):", "",
        *count_lines(summaries, splits), ""] + comparison_table(summaries, summaries)
    if tested:
        lines += ["", "The same configurations (chosen on validation) on the test split, read "
                  f"{reading_counts(readings)} in all (every reading below the tables; n/a until then):", ""]
        lines += comparison_table(summaries, tested)
    return lines + ["", "Differences: mean over paired seeds ± 95% interval, positive = the first "
                    "better (accuracy points, or nats/char for Tiny Shakespeare); 'better' / 'worse' "
                    "only where the interval excludes 0; n: the paired seeds. The last column compares the best "
                    "ReLaX-Net of any depth (L_W >= 2) with the best Keras baseline at that budget."]


def multiplicity_lines(summaries, tested=None):
    """How many of the study's distinct comparisons (`study_statistics.every_claim`)
    have p < 0.05 one by one (paired t), and how many after Holm's correction over all
    of them, on validation and on test."""
    pairs = {(a.point, b.point): (a, b) for task_name, encoding in sorted({p[:2] for p in summaries})
             for _, _, a, b in st.every_claim(summaries, task_name, encoding)}
    lines = []
    for split, scored in (("validation", summaries), ("test", tested or {})):
        found = [(scored[a], scored[b]) for a, b in pairs if a in scored and b in scored]
        if not found:
            continue
        p_values = []
        for a, b in found:
            seeds = sorted(set(a.by_seed) & set(b.by_seed))
            p_values.append(st.paired_p_value([a.by_seed[x] - b.by_seed[x] for x in seeds]))
        adjusted = st.holm(p_values)
        survivors = [f"{a.point[0]} {a.point[1]} {a.point[2]:,}: {model_name(a)} vs {model_name(b)}"
                     for (a, b), q in zip(found, adjusted) if q < ALPHA]
        lines.append(f"- {split}: {sum(p < ALPHA for p in p_values)} of {len(found)} distinct comparisons "
                     f"at p < {ALPHA} one by one (paired t); {len(survivors)} after Holm's correction over "
                     f"the {len(found)}" + (f" ({'; '.join(survivors)})" if survivors else ""))
    return ["Corrected for many comparisons:", *lines, ""]


def model_name(summary):
    model, weight_sets, repeats = summary.point[3:]
    return f"ReLaX ({weight_sets}, {repeats})" if model == "relax" else model


COLUMNS = ("balanced vs RNN end (1, D)", "balanced vs DNN end (D, 1)", "best ReLaX vs best Keras baseline")


def compared(chosen_on):
    """The comparisons of `verdict_lines`, chosen on `chosen_on` (validation summaries):
    `(task, encoding, budget, depth, pairs)` per task, budget and depth (4 and 8), `pairs`
    the `(a, b)` of each of `COLUMNS` (the last the same at every depth of a budget)."""
    for task_name, encoding in sorted({(p[0], p[1]) for p in chosen_on}):
        for budget in sorted({p[2] for p in chosen_on if p[:2] == (task_name, encoding)}):
            against_baseline, *by_depth = st.claims(chosen_on, task_name, encoding, budget, VERDICT_DEPTHS, st.BASELINES)
            for (_, balanced, rnn_end), (_, _, dnn_end) in zip(by_depth[::2], by_depth[1::2]):
                depth = balanced.point[4] * balanced.point[5]
                yield task_name, encoding, budget, depth, ((balanced, rnn_end), (balanced, dnn_end), against_baseline[1:])


def scored_as(scored, summary):
    return None if summary is None else scored.get(summary.point)


def comparison_table(chosen_on, scored):
    """The comparisons of `verdict_lines`: configurations chosen on `chosen_on`
    (validation summaries), differences computed from `scored` (the same or test)."""
    lines = ["| task | budget | depth D | " + " | ".join(COLUMNS) + " |", "| --- " * 6 + "|"]
    for task_name, encoding, budget, depth, pairs in compared(chosen_on):
        task = tasks.get(task_name)
        cells = [difference_cell(scored_as(scored, a), scored_as(scored, b), task.metric, task.higher_is_better)
                 for a, b in pairs]
        lines.append(f"| {task_label(task_name, encoding)} | {budget:,} | {depth} | " + " | ".join(cells) + " |")
    return lines


def task_label(task_name, encoding):
    return TASK_LABELS.get((task_name, encoding), task_name).split(" (")[0]


def count_lines(chosen_on, splits):
    """How many of each column's comparisons are better, tie or worse, per task and split
    (`splits`: name -> summaries); the baseline column once per budget."""
    lines = ["| task | split | " + " | ".join(COLUMNS) + " |", "| --- " * 5 + "|"]
    for task_name, encoding in sorted({(p[0], p[1]) for p in chosen_on}):
        task = tasks.get(task_name)
        for split, scored in splits.items():
            words = [collections.Counter() for _ in COLUMNS]
            seen = set()
            for name, enc, budget, _, pairs in compared(chosen_on):
                if (name, enc) != (task_name, encoding):
                    continue
                for column, (a, b) in enumerate(pairs):
                    if column == len(COLUMNS) - 1 and budget in seen:
                        continue
                    a, b = scored_as(scored, a), scored_as(scored, b)
                    words[column][verdict_word(a, b, task.higher_is_better) if a and b else "n/a"] += 1
                seen.add(budget)
            cells = [", ".join(f"{c[w]} {w}" for w in ("better", "tie", "worse") if c[w]) + f" of {sum(c.values())}"
                     for c in words]
            lines.append(f"| {task_label(task_name, encoding)} | {split} | " + " | ".join(cells) + " |")
    return lines


def test_summaries(path):
    """`{point: Summary}` of the test metrics in `path` (written by `--final-test`), or
    `None` before the final step."""
    if not path.exists():
        return None
    with open(path) as file:
        rows = list(csv.DictReader(file))
    by_point = collections.defaultdict(dict)
    for row in rows:
        by_point[st.point_of(row)][int(row["seed"])] = float(row["test_metric"])
    return {point: st.Summary(point, None, by_seed, 0) for point, by_seed in by_point.items()}


def rate_section(summaries, rows):
    tried = st.rates_tried(rows)
    lines = ["## Every point: chosen learning rate and validation metric", "",
             "A rate marked `(edge)` is the smallest or largest of the rates the point tried (its "
             "study's grid and any `*_rates` follow-up): the best rate may lie outside them.", "",
             "| task | encoding | budget | model | L_W | L_T | parameters | rate | mean ± 95% | sample std | seeds |",
             "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |"]
    for point, s in sorted(summaries.items()):
        metric = tasks.get(point[0]).metric
        lines.append(f"| {point[0]} | {point[1]} | {point[2]:,} | {point[3]} | {point[4] or ''} | "
                     f"{point[5] or ''} | {s.params:,} | {s.learning_rate:g}{edge(s, tried[point])} | "
                     f"{summary_cell(s, metric)} | "
                     f"{fmt(s.std, metric)} | {len(s.by_seed)} |")
    return lines


def test_section(path):
    """The test split of the configurations chosen on validation, scored once."""
    with open(path) as file:
        rows = list(csv.DictReader(file))
    groups = collections.defaultdict(list)
    for row in rows:
        groups[tuple(row[k] for k in ("task", "encoding", "budget", "model", "weight_sets", "repeats"))].append(
            float(row["test_metric"]))
    readings = read_readings(path.with_name(READINGS))
    lines = ["## Test split of the configurations chosen on validation", "",
             f"Read by `report.py --final-test` (and once by `confirmatory --test`, whose figures are in "
             f"`confirm/README.md`), {reading_counts(readings)} in all (every reading below). The choice of "
             "configurations reads validation only.", "",
             "| task | encoding | budget | model | L_W | L_T | test mean ± 95% | seeds |",
             "| --- | --- | --- | --- | --- | --- | --- | --- |"]
    for (task_name, encoding, budget, model, w, r), values in sorted(groups.items()):
        scale, digits = (100, 2) if tasks.get(task_name).metric == "accuracy" else (1, 4)
        lines.append(f"| {task_name} | {encoding} | {int(budget):,} | {model} | {w if w != '0' else ''} | "
                     f"{r if r != '0' else ''} | {np.mean(values) * scale:.{digits}f} ± "
                     f"{st.interval_half_width(values) * scale:.{digits}f} | {len(values)} |")
    return lines + [""] + readings_lines(readings)


def read_readings(path):
    """The rows of `test_readings.csv`: every reading of the test split (commit, date,
    task, encoding, what was read, what was decided after it); `[]` without the file."""
    if not path.is_file():
        return []
    with open(path) as file:
        return list(csv.DictReader(file))


def reading_label(reading):
    if reading["task"] == "zoo":
        return "the zoo's Tiny Shakespeare model"
    return TASK_LABELS[(reading["task"], reading["encoding"])].split(" (")[0]


def reading_counts(readings):
    """How many times each task's test split was read, e.g. "MNIST flat 2 times, ..."."""
    counts = collections.Counter(reading_label(r) for r in readings)
    parts = [f"{label} {n} times" for label, n in counts.items()]
    return ", ".join(parts[:-1]) + " and " + parts[-1] if len(parts) > 1 else "".join(parts)


def readings_lines(readings):
    lines = ["### Every reading of the test split", "",
             "In order per task, from `test_readings.csv` (checked against the history of `test.csv`); what was "
             "decided after a reading was not necessarily decided because of it. Readings of tables since "
             "replaced (shorter training) count too.", "",
             "| task | commit | date | read | decided after it |", "| --- | --- | --- | --- | --- |"]
    for r in readings:
        lines.append(f"| {reading_label(r)} | `{r['commit']}` | {r['date']} | {r['read']} | {r['decided_after']} |")
    return lines + [""]


def length_section(checks, summaries):
    """The convergence check: each claim's models, seed 0, trained for longer; and
    whether each claim's order on that seed survives the longer training."""
    lines = ["## Convergence check: the compared models trained longer", "",
             "Every model of every claim above (both sides, at any depth with a balanced point), seed 0 at its "
             "chosen rate, trained again for more steps (`tuning/specs/study_*_twice.json`). Converged: "
             f"the longer run's validation metric within {st.CONVERGENCE_TOLERANCE['accuracy'] * 100:.1f} "
             f"points or {st.CONVERGENCE_TOLERANCE['nats_per_char']} nats of the study's run. Gain: "
             "positive = the longer run better.", ""]
    for task_name, encoding in sorted({c.point[:2] for c in checks}):
        task = tasks.get(task_name)
        here = [c for c in checks if c.point[:2] == (task_name, encoding)]
        scale, digits = (100, 2) if task.metric == "accuracy" else (1, 4)
        gains = [c.gain(task.higher_is_better) * scale for c in here]
        lines += [f"### {TASK_LABELS.get((task_name, encoding), task_name)}: "
                  f"{sum(c.converged(task.metric) for c in here)} of {len(here)} converged", "",
                  f"Mean gain over these models: {np.mean(gains):+.{digits}f} ± "
                  f"{st.interval_half_width(gains):.{digits}f} (95%); largest {max(gains, key=abs):+.{digits}f}. "
                  + order_kept(here, summaries, task_name, encoding), "",
                  "| budget | model | L_W | L_T | rate | steps | metric | longer | metric | gain | converged |",
                  "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |"]
        for c in sorted(here, key=lambda c: c.point):
            lines.append(f"| {c.point[2]:,} | {c.point[3]} | {c.point[4] or ''} | {c.point[5] or ''} | "
                         f"{c.learning_rate:g} | {c.steps:,} | {c.metric * scale:.{digits}f} | "
                         f"{c.longer_steps:,} | {c.longer_metric * scale:.{digits}f} | "
                         f"{c.gain(task.higher_is_better) * scale:+.{digits}f} | "
                         f"{'yes' if c.converged(task.metric) else 'no'} |")
        lines.append("")
    return lines


def order_kept(checks, summaries, task_name, encoding):
    """How many claims order their two models the same way on the checked seed after
    the longer training as after the study's."""
    task = tasks.get(task_name)
    by_point = {c.point: c for c in checks}
    kept = compared = 0
    for _, _, a, b in st.every_claim(summaries, task_name, encoding):
        if a.point in by_point and b.point in by_point:
            first, second = by_point[a.point], by_point[b.point]
            before = task.better(first.metric, second.metric)
            after = task.better(first.longer_metric, second.longer_metric)
            compared, kept = compared + 1, kept + (before == after)
    return f"Comparisons whose two models keep their order on this seed when both train longer: {kept} of {compared}."


def edge(summary, rates):
    return " (edge)" if st.rate_edge(summary, rates) else ""


def plot_series(summaries, path, series_of, xlabel, title, log_base=10, rows=(None,)):
    """One panel per task and row: `series_of(task, encoding, row) -> {label: [(x, mean,
    half_width)]}` drawn as lines with 95% intervals."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    groups = sorted({(p[0], p[1]) for p in summaries})
    figure, axes = plt.subplots(len(rows), len(groups), figsize=(5 * len(groups), 4 * len(rows)),
                                squeeze=False)
    colors = {}  # one color per label in every panel
    for axes_row, row in zip(axes, rows):
        for axis, (task_name, encoding) in zip(axes_row, groups):
            series = series_of(task_name, encoding, row)
            if not series:
                axis.axis("off")
                continue
            ticks = set()
            for label, points in series.items():
                x, y, e = zip(*sorted(points))
                ticks.update(x)
                color = colors.setdefault(label, f"C{len(colors) % 10}")
                axis.errorbar(x, y, yerr=np.nan_to_num(e), marker="o", capsize=3, label=label, color=color)
            axis.set_xscale("log", base=log_base)
            axis.set_xticks(sorted(ticks), [tick_label(tick) for tick in sorted(ticks)])
            axis.minorticks_off()  # only the measured values are labelled: no overlaps
            axis.set_xlabel(xlabel)
            axis.set_ylabel(tasks.get(task_name).metric + " (validation)")
            axis.set_title(title.format(task=task_name, encoding=encoding, row=row))
    legend_below(figure, axes)
    figure.savefig(path, dpi=110, bbox_inches="tight")


def tick_label(value):
    """`20k` for 20,000, `2` for 2: short axis labels."""
    return f"{value // 1000:g}k" if value >= 1000 and value % 1000 == 0 else f"{value:g}"


def legend_below(figure, axes):
    """One legend for every panel, below them, off the data."""
    handles = {}
    for axis in axes.flat:
        for handle, label in zip(*axis.get_legend_handles_labels()):
            handles.setdefault(label, handle)
    figure.tight_layout(rect=(0, 0.06, 1, 1))
    figure.legend(handles.values(), handles.keys(), loc="lower center", ncol=min(len(handles), 5), fontsize=8)


def plot(summaries, path):
    """The metric against the budget for each family at depths 4 and 8, with the best
    ReLaX-Net of any depth and the best Keras baseline."""

    def series_of(task_name, encoding, depth):
        series = collections.defaultdict(list)
        for budget in sorted({p[2] for p in summaries if p[:2] == (task_name, encoding)}):
            fam = st.families(summaries, task_name, encoding, budget, depth)
            fam["best ReLaX, any depth (L_W >= 2)"] = st.best_of(
                {p: s for p, s in summaries.items() if p[4] >= 2}, task_name, encoding, budget, ("relax",))
            fam["best Keras baseline"] = st.best_of(summaries, task_name, encoding, budget, st.BASELINES)
            for name, s in fam.items():
                if s is not None:
                    series[name].append((budget, s.mean, s.half_width))
        return series

    plot_series(summaries, path, series_of, "parameter budget", "{task} {encoding}, depth {row}",
                rows=VERDICT_DEPTHS)


def plot_against_weight_sets(summaries, path):
    """The metric against L_W (L_T = depth / L_W), one row of panels per depth, one
    line per budget."""
    depths = sorted({p[4] * p[5] for p in summaries if p[3] == "relax" and p[4] * p[5] >= 2})

    def series_of(task_name, encoding, depth):
        lines = collections.defaultdict(list)
        for point, s in summaries.items():
            if point[:2] == (task_name, encoding) and point[3] == "relax" and point[4] * point[5] == depth:
                lines[f"budget {point[2]:,}"].append((point[4], s.mean, s.half_width))
        return {label: points for label, points in lines.items() if len(points) > 1}

    plot_series(summaries, path, series_of, "weight sets L_W (L_T = depth / L_W)",
                "{task} {encoding}, depth {row}", log_base=2, rows=depths)


def plot_curves(rows, curves, summaries, path, here):
    """The validation curves of the compared depth-4 families, side by side: one panel
    per task and budget, the mean over the seeds at each family's chosen rate."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    panels = sorted({(p[0], p[1], p[2]) for p in summaries})
    columns = 3
    figure, axes = plt.subplots(-(-len(panels) // columns), columns, figsize=(15, 3.6 * -(-len(panels) // columns)),
                                squeeze=False)
    for axis, (task_name, encoding, budget) in zip(axes.flat, panels):
        fam = st.families(summaries, task_name, encoding, budget, 4)
        fam["best Keras baseline"] = st.best_of(summaries, task_name, encoding, budget, st.BASELINES)
        for name, summary in fam.items():
            if summary is None:
                continue
            trials = [r for r in rows if r["status"] == "ok" and st.point_of(r) == summary.point
                      and float(r["learning_rate"]) == summary.learning_rate]
            series = [sorted(curves[(str(here / r["study"]), r["trial_id"])]) for r in trials]
            series = [c for c in series if c]
            if series:
                steps = [step for step, _ in series[0]]
                mean = np.mean([[value for _, value in c] for c in series], axis=0)
                axis.plot(steps, mean, marker=".", label=name, color=f"C{list(fam).index(name)}")
        axis.set_title(f"{task_name} {encoding}, {budget:,}, depth 4", fontsize=9)
        axis.set_xlabel("training step")
        axis.set_ylabel(tasks.get(task_name).metric)
    for axis in list(axes.flat)[len(panels):]:
        axis.axis("off")
    legend_below(figure, axes)
    figure.savefig(path, dpi=90, bbox_inches="tight")


def final_test(rows, chosen, path, studies):
    """Reads the sealed test figures of the chosen configurations' trials, and no others."""
    wanted = {s.point: s.learning_rate for s in chosen}
    fields = ["task", "encoding", "budget", "model", "weight_sets", "repeats", "learning_rate", "seed"]
    out = []
    for row in rows:
        if row["status"] == "ok" and wanted.get(st.point_of(row)) == float(row["learning_rate"]):
            out.append({**{f: row[f] for f in fields}, "test_metric": records.sealed_test_metric(studies, row)})
    with open(path, "w", newline="") as file:
        writer = csv.DictWriter(file, fields + ["test_metric"], lineterminator="\n")
        writer.writeheader()
        writer.writerows(out)


if __name__ == "__main__":
    sys.exit(main())
