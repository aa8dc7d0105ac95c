"""Writes the study's follow-ups from its committed results, as study specs with
`chosen_rates` (each point trained at the learning rate it chose on validation).

    python tools/follow_ups.py seeds   # tuning/specs/study_<family>_seeds.json
    python tools/follow_ups.py twice   # tuning/specs/study_<family>_twice.json
    python tools/follow_ups.py rates   # tuning/specs/study_<family>_rates.json
    python tools/follow_ups.py moved   # tuning/specs/study_<family>_moved.json
    python tools/follow_ups.py rates --follows shakespeare_long_d4  # from one study
    bash tuning/run_studies.sh tuning/specs/study_*_seeds.json

- `seeds`: seeds 3 and 4 for both models of every claim whose paired 95% interval over
  the study's seeds straddles zero on the validation split (read from the main studies
  and the ended `rates` and `moved` rounds, as each kind reads them: `READS`).
- `twice`: the convergence check: every model of every claim (read with the seeds
  follow-up if it has ended), seed 0, trained twice as many steps; the report compares
  each with its run of the study's length (`study_statistics.length_check`). Its results
  go to `tuning/results/length_check/`, apart from the tables (one table, one length).
  It may run first: whether the study's length suffices decides what else is worth
  running at that length.
- `rates`: the rate grid extended: every point whose chosen rate is the largest (or
  smallest) of the rates it tried, on the seed that chose the rates, at the next rate of
  the 1-3-10 sequence past that edge, as learning-rate trials (`extends_rates`); the
  report then chooses each point's rate over every rate it tried. A later round reads
  the ended earlier ones, so it goes on past a new edge.
- `moved`: where a `rates` follow-up's rate won, the point's other seeds (those it ran
  at its old rate, seeds follow-ups included) at the new rate, so that its comparisons
  stay paired.

A family's follow-ups are written once all its main studies have ended; each names
the studies it was written from in `follows`. The claims are the report's
(`study_statistics.claims`, at every depth with a balanced point). A study added to a
family after its follow-ups ran gets a further round (`study_<family>_seeds2.json`) with
only the points no earlier round of that kind trained (for `twice`, `rates` and
`moved`: at the rate it would train them, so a point whose chosen rate moved is checked
at its new rate too); a written round is never rewritten (its study may have started).
"""

import argparse
import collections
import json
import pathlib

from relax_keras import tasks
from relax_keras.tuning import study_statistics as st
from relax_keras.tuning.study_grid import Point
from relax_keras.tuning.study_spec import StudySpec

ROOT = pathlib.Path(__file__).resolve().parents[1]
SPECS = ROOT / "tuning" / "specs"
SEEDS = [3, 4]
LENGTH_FACTOR = 2
KINDS = ("seeds", "twice", "rates", "moved")
# the ended follow-ups each kind reads besides the main studies
READS = {"seeds": ("rates", "moved"), "twice": ("rates", "moved", "seeds"), "rates": ("rates", "moved"),
         "moved": ("rates", "moved", "seeds")}
# the rates a `rates` follow-up may add: the 1-3-10 sequence
RATE_SEQUENCE = [float(f"{mantissa}e{exponent}") for exponent in range(-8, 0) for mantissa in (1, 3)]


def committed_studies():
    """`{family: {phase: StudySpec}}` of the committed study specs, the family being the
    name without its phase (`mnist_flat_d4` -> `mnist_flat`, phase `d4`)."""
    families = collections.defaultdict(dict)
    for path in sorted(SPECS.glob("study_*.json")):
        spec = StudySpec.from_file(path)
        family, phase = spec.name.rsplit("_", 1)
        families[family][phase] = spec
    return families


def kind_of(phase):
    """The follow-up kind of a phase (`seeds`, or a later round of it: `seeds2`), or
    `None` for a main study's phase (`d4`)."""
    kind = phase.rstrip("0123456789")
    return kind if kind in KINDS else None


def ended(spec):
    return (ROOT / spec.output / "results.csv").exists()


def claim_points(summaries, task_name, encoding, straddling_only):
    """`{point key: chosen learning rate}` of both models of every claim (or of every
    claim whose interval straddles zero)."""
    task = tasks.get(task_name)
    wanted = {}
    for _, _, a, b in st.every_claim(summaries, task_name, encoding):
        if not straddling_only or st.straddles_zero(a, b, task.higher_is_better):
            wanted.update({Point(*s.point).key: s.learning_rate for s in (a, b)})
    return wanted


def edge_points(summaries, rows):
    """`{point key: next rate}` of every point whose chosen rate is an edge of the rates
    it tried (of at least two): the next rate of `RATE_SEQUENCE` past that edge."""
    tried = st.rates_tried(rows)
    wanted = {}
    for point, summary in summaries.items():
        edge = st.rate_edge(summary, tried[point])
        if edge == "max":
            wanted[Point(*point).key] = min(r for r in RATE_SEQUENCE if r > summary.learning_rate * 1.001)
        elif edge == "min":
            wanted[Point(*point).key] = max(r for r in RATE_SEQUENCE if r < summary.learning_rate * 0.999)
    return wanted


def moved_points(summaries, rows):
    """`({point key: rate}, seeds)`: every point whose chosen rate has only the run of
    the seed that chose it while the point ran other seeds at another rate (a `rates`
    follow-up moved its rate), and the union of those other seeds."""
    seeds_run = collections.defaultdict(set)
    for row in rows:
        if row["status"] == "ok":
            seeds_run[st.point_of(row)].add(int(row["seed"]))
    wanted, seeds = {}, set()
    for point, summary in summaries.items():
        missing = seeds_run[point] - set(summary.by_seed)
        if len(summary.by_seed) == 1 and missing:
            wanted[Point(*point).key] = summary.learning_rate
            seeds |= missing
    return wanted, sorted(seeds)


def follow_up(family, specs, kind, earlier=()):
    """The `kind` follow-up's spec fields, written from the results of the studies `specs`
    of one family (named in its `follows`), without what the `earlier` rounds of that
    kind (their specs) trained: their points, or for `twice`, `rates` and `moved` their
    points at those rates."""
    first = specs[0]
    rows = st.read_rows([ROOT / spec.output / "results.csv" for spec in specs])
    summaries = st.summarize(rows)
    seeds = SEEDS if kind == "seeds" else [first.seeds[0]]
    if kind == "rates":
        chosen = edge_points(summaries, rows)
    elif kind == "moved":
        chosen, seeds = moved_points(summaries, rows)
    else:
        chosen = claim_points(summaries, first.task, first.encoding, straddling_only=kind == "seeds")
    for done in earlier:
        if kind != "seeds":  # a point checked, or extended, at another rate is not done
            chosen = {key: rate for key, rate in chosen.items() if done.chosen_rates.get(key) != rate}
        else:
            chosen = {key: rate for key, rate in chosen.items() if key not in done.chosen_rates}
    union = lambda name: sorted({value for spec in specs for value in getattr(spec, name)})
    name = f"{family}_{kind}{len(earlier) + 1 if earlier else ''}"
    return {
        "name": name, "task": first.task, "encoding": first.encoding, "budgets": union("budgets"),
        "depths": union("depths"), "weight_sets": union("weight_sets"), "repeats": union("repeats"),
        "baselines": first.baselines, "learning_rates": sorted({*union("learning_rates"), *chosen.values()}),
        "seeds": seeds, "chosen_rates": dict(sorted(chosen.items())),
        "extends_rates": kind == "rates", "follows": [spec.name for spec in specs],
        "steps": first.steps * (LENGTH_FACTOR if kind == "twice" else 1),
        "evaluations": first.evaluations,
        "output": f"tuning/results/length_check/{name}" if kind == "twice" else f"tuning/results/{name}",
        "directory": first.directory, "sources": first.sources,
    }


def main_studies(phases):
    return [spec for phase, spec in phases.items() if kind_of(phase) is None]


def rounds(phases, kind):
    """The family's `kind` follow-ups (`StudySpec`s), in the order they were written."""
    return [phases[phase] for phase in sorted(phases) if kind_of(phase) == kind]


def next_round(family, phases, kind):
    """The spec fields of the family's next `kind` follow-up (`phases`: `{phase: StudySpec}`),
    written from its main studies and the ended rounds of the kinds in `READS[kind]`;
    its `chosen_rates` are empty where the earlier rounds trained every point."""
    specs = main_studies(phases)
    for read in READS[kind]:
        specs += [spec for spec in rounds(phases, read) if ended(spec)]
    return follow_up(family, specs, kind, rounds(phases, kind))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("kind", choices=KINDS, help="which follow-up to write")
    parser.add_argument("--follows", nargs="+", metavar="STUDY",
                        help="write it from these ended studies of one family only (e.g. "
                             "shakespeare_long_d4), before the family's other studies end")
    args = parser.parse_args()
    for family, phases in committed_studies().items():
        if args.follows:
            specs = [spec for spec in phases.values() if spec.name in args.follows]
            if not specs:
                continue
            unknown = sorted(set(args.follows) - {spec.name for spec in specs})
            if unknown or not all(ended(spec) for spec in specs):
                raise SystemExit(f"--follows: {args.follows} must name ended studies of one family "
                                 f"({family}: {sorted(spec.name for spec in phases.values() if ended(spec))})")
            fields = follow_up(family, specs, args.kind, rounds(phases, args.kind))
        else:
            waiting = [spec.name for spec in main_studies(phases) if not ended(spec)]
            if waiting:
                print(f"{family}: skipped, {waiting} have not ended")
                continue
            fields = next_round(family, phases, args.kind)
        if not fields["chosen_rates"]:
            print(f"{family}: every {args.kind} point is in an earlier round")
            continue
        StudySpec(**fields)  # checked before writing
        path = SPECS / f"study_{fields['name']}.json"
        path.write_text(json.dumps(fields, indent=2) + "\n")
        print(f"{path.relative_to(ROOT)}: {len(fields['chosen_rates'])} points x {len(fields['seeds'])} seeds")


if __name__ == "__main__":
    main()
