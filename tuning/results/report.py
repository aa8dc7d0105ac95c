"""Writes the study's report (tuning/results/README.md, figures, test.csv) from the
committed CSVs; every number in it, and in README.md's verdict, is computed here.

    python tuning/results/report.py               # tables and figures, validation only
    python tuning/results/report.py --final-test  # once, at the end: the test split of the
                                                  # configurations chosen on validation
"""

import argparse
import collections
import csv
import json
import pathlib

import numpy as np

from relax_keras import tasks
from relax_keras.tuning import measured
from relax_keras.tuning import study_statistics as st

HERE = pathlib.Path(__file__).resolve().parent
STUDIES = HERE.parents[0] / "studies"
ROOT_README = HERE.parents[1] / "README.md"
BEGIN, END = "<!-- study summary: written by tuning/results/report.py -->", "<!-- end of study summary -->"
TASK_LABELS = {("shakespeare", "chars"): "Tiny Shakespeare (nats/char, lower is better)",
               ("mnist", "rows"): "MNIST rows (accuracy)", ("mnist", "flat"): "MNIST flat (accuracy)"}
VERDICT_DEPTHS = (4, 8)
# when the test split of the chosen configurations was read
TEST_READINGS = ("MNIST flat: seeds 0-2 once, then seeds 3 and 4 once their follow-up had run; "
                 "MNIST rows: depth 4 once, after its follow-ups, depths 1 and 2 once, when "
                 "their study had ended, once more when its rate-grid extension's follow-ups had ended, and depth 8 once, "
                 "after its follow-ups; Tiny Shakespeare: depth 4 once, after its seeds follow-up, and "
                 "depths 1 and 2 (with the smallest LSTM's new rate) once, when their study had ended, "
                 "then the seeds 3 and 4 of their follow-up once they had run, and depth 8 once, after its follow-ups")


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
    verdict = "n/a" if half != half else ("better" if mean - half > 0 else "worse" if mean + half < 0 else "tie")
    return f"{mean * scale:+.{digits}f} ± {half * scale:.{digits}f} ({verdict}, n={n})"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--final-test", action="store_true",
                        help="score the test split of the chosen configurations (once, at the end)")
    args = parser.parse_args()
    results = sorted(HERE.glob("*/results.csv"))
    if not results:
        raise SystemExit("no study results under tuning/results/*/results.csv yet")
    rows = st.read_rows(results)
    curves = st.read_curves([p.with_name("curves.csv") for p in results])
    summaries = st.summarize(rows)
    lines = header(rows, results, curves)
    chosen = []
    for task_name, encoding in sorted({(p[0], p[1]) for p in summaries}):
        lines += task_section(summaries, task_name, encoding, chosen)
    if args.final_test:
        final_test(rows, chosen, HERE / "test.csv")
    if (HERE / "test.csv").exists():
        lines += test_section(HERE / "test.csv")
    longer = sorted(HERE.glob("length_check/*/results.csv"))
    if longer:
        lines += length_section(st.length_checks(rows, st.read_rows(longer)), summaries)
    lines += rate_section(summaries, rows)
    (HERE / "README.md").write_text("\n".join(lines) + "\n")
    measured.write(summaries)
    plot(summaries, HERE / "families.png")
    plot_against_weight_sets(summaries, HERE / "weight_sets.png")
    plot_curves(rows, curves, summaries, HERE / "curves.png")
    readme = ROOT_README.read_text()
    start, end = readme.index(BEGIN) + len(BEGIN), readme.index(END)
    verdict = verdict_lines(summaries, test_summaries(HERE / "test.csv"))
    ROOT_README.write_text(readme[:start] + "\n" + "\n".join(verdict) + "\n" + readme[end:])
    print(f"wrote {HERE / 'README.md'}")


def header(rows, results, curves):
    ok = [r for r in rows if r["status"] == "ok"]
    cpu_hours = sum(float(r["seconds"]) for r in ok) / 3600
    converged = collections.defaultdict(list)
    for (study_dir, trial_id), curve in curves.items():
        metric = "nats_per_char" if "shakespeare" in study_dir else "accuracy"
        converged[pathlib.Path(study_dir).name].append(st.converged(curve, metric))
    lines = [
        "# The study: does switching weight sets pay at a fixed parameter budget?",
        "",
        "Written by `python tuning/results/report.py` from the committed `*/results.csv` and",
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
        f"`tuning/plan/follow_ups.py seeds` from the validation tables); test split read for the "
        f"chosen configurations only ({TEST_READINGS}); a seed fixes the initial "
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


def verdict_lines(summaries, tested=None):
    """README.md's summary: per task, budget and depth (4 and 8), how the best balanced
    ReLaX-Net compares with both ends, and the best ReLaX-Net with the best Keras
    baseline (paired 95% intervals over seeds); with `tested` (`test_summaries`), the
    same comparisons of the same configurations, chosen on validation, on the test split."""
    lines = comparison_table(summaries, summaries)
    if tested:
        lines += ["", "The same configurations (chosen on validation) on the test split, read at the end "
                  f"({TEST_READINGS}; n/a until then):", ""]
        lines += comparison_table(summaries, tested)
    return lines + ["", "Differences: mean over paired seeds ± 95% interval, positive = the first "
                    "better (accuracy points, or nats/char for Tiny Shakespeare); 'better' / 'worse' "
                    "only where the interval excludes 0; n: the paired seeds. The last column compares the best "
                    "ReLaX-Net of any depth (L_W >= 2) with the best Keras baseline at that budget."]


def comparison_table(chosen_on, scored):
    """The comparisons of `verdict_lines`: configurations chosen on `chosen_on`
    (validation summaries), differences computed from `scored` (the same or test)."""
    scored_as = lambda s: None if s is None else scored.get(s.point)
    lines = ["| task | budget | depth D | balanced vs RNN end (1, D) | balanced vs DNN end (D, 1) "
             "| best ReLaX vs best Keras baseline |",
             "| --- | --- | --- | --- | --- | --- |"]
    for task_name, encoding in sorted({(p[0], p[1]) for p in chosen_on}):
        task = tasks.get(task_name)
        label = TASK_LABELS.get((task_name, encoding), task_name).split(" (")[0]
        cell = lambda a, b: difference_cell(scored_as(a), scored_as(b), task.metric, task.higher_is_better)
        for budget in sorted({p[2] for p in chosen_on if p[:2] == (task_name, encoding)}):
            against_baseline, *by_depth = st.claims(chosen_on, task_name, encoding, budget, VERDICT_DEPTHS, st.BASELINES)
            for (_, balanced, rnn_end), (_, _, dnn_end) in zip(by_depth[::2], by_depth[1::2]):
                depth = balanced.point[4] * balanced.point[5]
                lines.append(f"| {label} | {budget:,} | {depth} | {cell(balanced, rnn_end)} | "
                             f"{cell(balanced, dnn_end)} | {cell(*against_baseline[1:])} |")
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
    lines = ["## Test split of the configurations chosen on validation", "",
             f"Read by `report.py --final-test` ({TEST_READINGS}). The choice of configurations reads "
             "validation only.", "",
             "| task | encoding | budget | model | L_W | L_T | test mean ± 95% | seeds |",
             "| --- | --- | --- | --- | --- | --- | --- | --- |"]
    for (task_name, encoding, budget, model, w, r), values in sorted(groups.items()):
        scale, digits = (100, 2) if tasks.get(task_name).metric == "accuracy" else (1, 4)
        lines.append(f"| {task_name} | {encoding} | {int(budget):,} | {model} | {w if w != '0' else ''} | "
                     f"{r if r != '0' else ''} | {np.mean(values) * scale:.{digits}f} ± "
                     f"{st.interval_half_width(values) * scale:.{digits}f} | {len(values)} |")
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
            for label, points in series.items():
                x, y, e = zip(*sorted(points))
                color = colors.setdefault(label, f"C{len(colors) % 10}")
                axis.errorbar(x, y, yerr=np.nan_to_num(e), marker="o", capsize=3, label=label, color=color)
            axis.set_xscale("log", base=log_base)
            axis.set_xlabel(xlabel)
            axis.set_ylabel(tasks.get(task_name).metric + " (validation)")
            axis.set_title(title.format(task=task_name, encoding=encoding, row=row))
            axis.legend(fontsize=7)
    figure.tight_layout()
    figure.savefig(path, dpi=110)


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


def plot_curves(rows, curves, summaries, path):
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
            series = [sorted(curves[(str(HERE / r["study"]), r["trial_id"])]) for r in trials]
            series = [c for c in series if c]
            if series:
                steps = [step for step, _ in series[0]]
                mean = np.mean([[value for _, value in c] for c in series], axis=0)
                axis.plot(steps, mean, marker=".", label=f"{name} ({len(series)} seeds)")
        axis.set_title(f"{task_name} {encoding}, {budget:,}, depth 4", fontsize=9)
        axis.set_xlabel("training step")
        axis.set_ylabel(tasks.get(task_name).metric)
        axis.legend(fontsize=7)
    for axis in list(axes.flat)[len(panels):]:
        axis.axis("off")
    figure.tight_layout()
    figure.savefig(path, dpi=90)


def final_test(rows, chosen, path):
    """Reads the sealed test figures of the chosen configurations' trials, and no others."""
    wanted = {s.point: s.learning_rate for s in chosen}
    fields = ["task", "encoding", "budget", "model", "weight_sets", "repeats", "learning_rate", "seed"]
    out = []
    for row in rows:
        if row["status"] == "ok" and wanted.get(st.point_of(row)) == float(row["learning_rate"]):
            sealed = STUDIES / row["study"] / f"trial_{row['trial_id']}" / "sealed_test.json"
            out.append({**{f: row[f] for f in fields}, "test_metric": json.loads(sealed.read_text())["test_metric"]})
    with open(path, "w", newline="") as file:
        writer = csv.DictWriter(file, fields + ["test_metric"], lineterminator="\n")
        writer.writeheader()
        writer.writerows(out)


if __name__ == "__main__":
    main()
