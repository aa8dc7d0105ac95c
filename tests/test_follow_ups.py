"""The study's follow-ups: which points get seeds 3 and 4 or a run twice as long, and
the committed specs."""

import json
import pathlib

import pytest

from relax_keras import tasks
from relax_keras.tuning import study_statistics as st
from relax_keras.tuning.study_grid import Point
from relax_keras.tuning.study_spec import StudySpec

ROOT = pathlib.Path(__file__).resolve().parents[1]


FOLLOW_UP = "tools/follow_ups.py"


def row(model, w, r, seed, metric):
    return dict(task="mnist", encoding="flat", budget="1000", model=model, weight_sets=str(w), repeats=str(r),
                stage="seed", learning_rate="0.003", seed=str(seed), params="990", val_metric=str(metric),
                status="ok", fingerprint="f", steps="4000")


def test_both_models_of_a_straddling_claim_and_no_others_are_chosen(repository_script):
    rows = []
    for seed, (rnn, balanced, dnn, dense) in enumerate([(0.90, 0.95, 0.95, 0.80), (0.91, 0.96, 0.90, 0.81),
                                                         (0.89, 0.95, 0.96, 0.79)]):
        rows += [row("relax", 1, 4, seed, rnn), row("relax", 2, 2, seed, balanced),
                 row("relax", 4, 1, seed, dnn), row("dense", 0, 0, seed, dense)]
    follow_ups = repository_script(FOLLOW_UP)
    summaries = st.summarize(rows)
    # only balanced (2, 2) vs the DNN end (4, 1) straddles zero
    assert follow_ups.claim_points(summaries, "mnist", "flat", straddling_only=True) == {
        "mnist/flat/1000/relax/2x2": 0.003, "mnist/flat/1000/relax/4x1": 0.003}
    assert sorted(follow_ups.claim_points(summaries, "mnist", "flat", straddling_only=False)) == [
        "mnist/flat/1000/dense/-", "mnist/flat/1000/relax/1x4", "mnist/flat/1000/relax/2x2",
        "mnist/flat/1000/relax/4x1"]


def test_points_at_an_edge_of_their_rates_get_the_next_rate_past_it(repository_script):
    rates = {"relax": (0.001, 0.003, 0.01), "dense": (0.0003, 0.001, 0.003)}
    metrics = {("relax", 0.001): 0.90, ("relax", 0.003): 0.92, ("relax", 0.01): 0.95,  # top edge
               ("dense", 0.0003): 0.85, ("dense", 0.001): 0.84, ("dense", 0.003): 0.80}  # bottom edge
    rows = [{**row(model, 2 if model == "relax" else 0, 2 if model == "relax" else 0, 0, metrics[model, rate]),
             "stage": "learning_rate", "learning_rate": str(rate)} for model in rates for rate in rates[model]]
    follow_ups = repository_script(FOLLOW_UP)
    assert follow_ups.edge_points(st.summarize(rows), rows) == {
        "mnist/flat/1000/relax/2x2": 0.03, "mnist/flat/1000/dense/-": 0.0001}
    # once the next rate has run and lost, the point is inside its rates
    rows.append({**row("relax", 2, 2, 0, 0.94), "stage": "learning_rate", "learning_rate": "0.03"})
    assert follow_ups.edge_points(st.summarize(rows), rows) == {"mnist/flat/1000/dense/-": 0.0001}


def test_a_point_whose_rate_moved_gets_its_other_seeds_at_the_new_rate(repository_script):
    rows = [{**row("relax", 2, 2, 0, 0.90), "stage": "learning_rate", "learning_rate": "0.01"},
            *[{**row("relax", 2, 2, seed, 0.90), "learning_rate": "0.01"} for seed in (1, 2, 3)],
            {**row("relax", 2, 2, 0, 0.95), "stage": "learning_rate", "learning_rate": "0.03"},  # it won
            {**row("relax", 1, 4, 0, 0.80), "stage": "learning_rate", "learning_rate": "0.01"},
            {**row("relax", 1, 4, 0, 0.70), "stage": "learning_rate", "learning_rate": "0.03"},  # it lost
            *[{**row("relax", 1, 4, seed, 0.80), "learning_rate": "0.01"} for seed in (1, 2)]]
    follow_ups = repository_script(FOLLOW_UP)
    assert follow_ups.moved_points(st.summarize(rows), rows) == ({"mnist/flat/1000/relax/2x2": 0.03}, [1, 2, 3])


@pytest.mark.results
def test_committed_follow_ups_are_what_the_script_writes_from_the_studies_they_follow(repository_script):
    follow_ups = repository_script(FOLLOW_UP)
    checked = 0
    for family, phases in follow_ups.committed_studies().items():
        for kind in follow_ups.KINDS:
            written = follow_ups.rounds(phases, kind)
            for number, spec in enumerate(written):
                followed = [phases[name[len(family) + 1:]] for name in spec.follows]
                rebuilt = follow_ups.follow_up(family, followed, kind, written[:number])
                assert spec.to_dict() == StudySpec(**rebuilt).to_dict()
                checked += 1
    assert checked >= 4


@pytest.mark.results
def test_a_family_whose_studies_ended_has_every_follow_up_it_needs(repository_script):
    follow_ups = repository_script(FOLLOW_UP)
    for family, phases in follow_ups.committed_studies().items():
        if all(follow_ups.ended(spec) for spec in follow_ups.main_studies(phases)):
            for kind in follow_ups.KINDS:
                missing = follow_ups.next_round(family, phases, kind)["chosen_rates"]
                assert not missing, f"{family}: `follow_ups.py {kind}` would write {sorted(missing)}"


@pytest.mark.results
def test_a_later_round_trains_only_the_points_earlier_rounds_did_not(repository_script):
    follow_ups = repository_script(FOLLOW_UP)
    phases = follow_ups.committed_studies()["mnist_flat"]
    main_studies = follow_ups.main_studies(phases)
    first = StudySpec(**follow_ups.follow_up("mnist_flat", main_studies[:1], "twice"))
    later = follow_ups.follow_up("mnist_flat", main_studies, "twice", [first])
    everything = follow_ups.follow_up("mnist_flat", main_studies, "twice")["chosen_rates"]
    assert later["name"] == "mnist_flat_twice2" and first.name == "mnist_flat_twice"
    assert first.chosen_rates and later["chosen_rates"]
    assert later["chosen_rates"] == {k: v for k, v in everything.items() if k not in first.chosen_rates}
    assert follow_ups.kind_of("twice2") == "twice" and follow_ups.kind_of("d4") is None


@pytest.mark.results
def test_a_point_checked_at_another_rate_is_checked_again_at_its_chosen_rate(repository_script):
    follow_ups = repository_script(FOLLOW_UP)
    main_studies = follow_ups.main_studies(follow_ups.committed_studies()["mnist_flat"])
    first = follow_ups.follow_up("mnist_flat", main_studies, "twice")
    moved, rate = next(iter(first["chosen_rates"].items()))
    earlier = StudySpec(**{**first, "chosen_rates": {**first["chosen_rates"], moved: rate * 3},
                           "learning_rates": sorted({*first["learning_rates"], rate * 3})})
    assert follow_ups.follow_up("mnist_flat", main_studies, "twice", [earlier])["chosen_rates"] == {moved: rate}


@pytest.mark.results
def test_every_committed_claim_that_includes_zero_has_five_paired_seeds_or_they_are_running(repository_script):
    follow_ups = repository_script(FOLLOW_UP)
    for family, phases in follow_ups.committed_studies().items():
        tables = [ROOT / spec.output / "results.csv" for phase, spec in phases.items() if follow_ups.kind_of(phase) != "twice"]
        summaries = st.summarize(st.read_rows([path for path in tables if path.exists()]))
        for task_name, encoding in sorted({point[:2] for point in summaries}):
            task = tasks.get(task_name)
            for budget, name, a, b in st.every_claim(summaries, task_name, encoding):
                if st.straddles_zero(a, b, task.higher_is_better) and st.paired_difference(
                        a, b, task.higher_is_better)[2] < 5:
                    # only while seeds (or moved) rounds of the family train the model(s) with fewer
                    running = [spec for kind in ("seeds", "moved") for spec in follow_ups.rounds(phases, kind)
                               if not follow_ups.ended(spec)]
                    training = {key for spec in running for key in spec.chosen_rates}
                    assert all(len(s.by_seed) >= 5 or Point(*s.point).key in training for s in (a, b)), (
                        f"{family}: {task_name} {budget} {name} has fewer than 5 seeds and no seeds round running")
