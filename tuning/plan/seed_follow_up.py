"""Writes the seeds follow-up of the study: two more paired seeds (3 and 4) for both
models of every claim whose paired 95% interval over the study's seeds straddles zero
on the validation split, each at the learning rate its point chose.

    python tuning/plan/seed_follow_up.py  # writes tuning/specs/study_<family>_seeds.json
    bash tuning/run_studies.sh tuning/specs/study_*_seeds.json

The claims are the report's (`relax_keras.tuning.study_statistics.claims`, at every
depth with a balanced point). A spec that exists with other contents is never
overwritten: its study may have started.
"""

import collections
import json
import pathlib

from relax_keras import tasks
from relax_keras.tuning import study_statistics as st
from relax_keras.tuning.study_grid import Point
from relax_keras.tuning.study_spec import StudySpec

ROOT = pathlib.Path(__file__).resolve().parents[2]
SPECS = ROOT / "tuning" / "specs"
SEEDS = [3, 4]
SUFFIX = "_seeds"


def studies_by_family():
    """`{family: [StudySpec, ...]}` of the committed study specs (not follow-ups), the
    family being the name without its phase (`mnist_flat_d4` -> `mnist_flat`)."""
    families = collections.defaultdict(list)
    for path in sorted(SPECS.glob("study_*.json")):
        spec = StudySpec.from_file(path)
        if spec.chosen_rates is None:
            families[spec.name.rsplit("_", 1)[0]].append(spec)
    return families


def straddling_points(summaries, task_name, encoding):
    """`{point key: chosen learning rate}` of both models of every straddling claim."""
    task = tasks.get(task_name)
    depths = sorted({p[4] * p[5] for p in summaries if p[:2] == (task_name, encoding) and p[3] == "relax"})
    wanted = {}
    for budget in sorted({p[2] for p in summaries if p[:2] == (task_name, encoding)}):
        for _, a, b in st.claims(summaries, task_name, encoding, budget, depths, st.BASELINES):
            if a is not None and b is not None and st.straddles_zero(a, b, task.higher_is_better):
                wanted.update({Point(*s.point).key: s.learning_rate for s in (a, b)})
    return wanted


def follow_up(family, specs):
    """The follow-up spec's fields for the studies `specs` of one family."""
    first = specs[0]
    rows = st.read_rows([ROOT / spec.output / "results.csv" for spec in specs])
    chosen = straddling_points(st.summarize(rows), first.task, first.encoding)
    union = lambda name: sorted({value for spec in specs for value in getattr(spec, name)})
    name = family + SUFFIX
    return {
        "name": name, "task": first.task, "encoding": first.encoding, "budgets": union("budgets"),
        "depths": union("depths"), "weight_sets": union("weight_sets"), "repeats": union("repeats"),
        "baselines": first.baselines, "learning_rates": list(first.learning_rates), "seeds": SEEDS,
        "chosen_rates": dict(sorted(chosen.items())), "steps": first.steps, "evaluations": first.evaluations,
        "output": f"tuning/results/{name}", "directory": first.directory, "sources": first.sources,
    }


def main():
    for family, specs in studies_by_family().items():
        fields = follow_up(family, specs)
        StudySpec(**fields)  # checked before writing
        path = SPECS / f"study_{fields['name']}.json"
        text = json.dumps(fields, indent=2) + "\n"
        if path.exists() and path.read_text() != text:
            raise SystemExit(f"{path} exists with other contents; its study may have started. Move it "
                             "away first if it should be rewritten.")
        path.write_text(text)
        print(f"{path.relative_to(ROOT)}: {len(fields['chosen_rates'])} points x {len(SEEDS)} seeds")


if __name__ == "__main__":
    main()
