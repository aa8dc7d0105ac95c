"""The study's statistics on small hand-made tables."""

import csv
import math

import numpy as np
import pytest

from relax_keras.tuning import study_statistics as st

FIELDS = ["task", "encoding", "budget", "model", "weight_sets", "repeats", "stage", "learning_rate",
          "seed", "params", "val_metric", "status", "fingerprint", "steps"]


def row(model, w, r, rate, seed, metric, stage="seed", budget=1000, status="ok"):
    return dict(task="mnist", encoding="flat", budget=str(budget), model=model, weight_sets=str(w),
                repeats=str(r), stage=stage, learning_rate=str(rate), seed=str(seed), params="990",
                val_metric=str(metric), status=status, fingerprint="f", steps="4000")


def test_interval_is_the_t_interval_with_sample_std():
    assert st.interval_half_width([1.0, 2.0, 3.0]) == pytest.approx(4.302653 / np.sqrt(3), rel=1e-6)
    assert np.isnan(st.interval_half_width([1.0]))


def test_summary_takes_the_chosen_rate_and_its_seeds_only():
    rows = [row("relax", 2, 2, 0.01, 0, 0.90, "learning_rate"), row("relax", 2, 2, 0.001, 0, 0.95, "learning_rate"),
            row("relax", 2, 2, 0.001, 1, 0.94), row("relax", 2, 2, 0.001, 2, 0.96),
            row("relax", 2, 2, 0.003, 0, 0.10, "learning_rate", status="failed")]
    summary = st.summarize(rows)[("mnist", "flat", 1000, "relax", 2, 2)]
    assert summary.learning_rate == 0.001 and summary.by_seed == {0: 0.95, 1: 0.94, 2: 0.96}
    assert summary.std == pytest.approx(0.01)


def test_families_and_paired_differences():
    rows = []
    for seed, (rnn, balanced_a, balanced_b, dnn) in enumerate([(0.90, 0.93, 0.92, 0.95), (0.91, 0.94, 0.90, 0.94),
                                                                (0.89, 0.95, 0.91, 0.96)]):
        rows += [row("relax", 1, 4, 0.01, seed, rnn), row("relax", 2, 2, 0.01, seed, balanced_a),
                 row("relax", 4, 1, 0.01, seed, dnn)]
        rows.append(row("relax", 1, 1, 0.01, seed, balanced_b))  # depth 1: not a depth-4 family
    family = st.families(st.summarize(rows), "mnist", "flat", 1000, 4)
    assert family["balanced"].point[4:] == (2, 2) and family["rnn_end"].point[4:] == (1, 4)
    mean, half, n = st.paired_difference(family["balanced"], family["rnn_end"], higher_is_better=True)
    assert (mean, n) == (pytest.approx(0.04), 3) and half == pytest.approx(st.interval_half_width([0.03, 0.03, 0.06]))
    mean, _, _ = st.paired_difference(family["balanced"], family["dnn_end"], higher_is_better=True)
    assert mean == pytest.approx(-0.01)
    # lower-is-better metrics keep "positive = first better"
    assert st.paired_difference(family["balanced"], family["rnn_end"], higher_is_better=False)[0] == pytest.approx(-0.04)


def test_a_follow_up_adds_its_seeds_to_the_points_chosen_rate():
    rows = [row("relax", 2, 2, 0.01, 0, 0.90, "learning_rate"), row("relax", 2, 2, 0.001, 0, 0.95, "learning_rate"),
            row("relax", 2, 2, 0.001, 1, 0.94), row("relax", 2, 2, 0.001, 2, 0.96)]
    rows += [{**row("relax", 2, 2, 0.001, seed, 0.93), "study": "follow_up"} for seed in (3, 4)]
    summary = st.summarize(rows)[("mnist", "flat", 1000, "relax", 2, 2)]
    assert summary.learning_rate == 0.001 and sorted(summary.by_seed) == [0, 1, 2, 3, 4]


def test_a_rate_past_the_grid_is_chosen_only_where_it_beats_the_grid():
    grid = [row("relax", 2, 2, 0.003, 0, 0.90, "learning_rate"), row("relax", 2, 2, 0.01, 0, 0.95, "learning_rate"),
            row("relax", 2, 2, 0.01, 1, 0.94), row("relax", 2, 2, 0.01, 2, 0.96)]
    losing = {**row("relax", 2, 2, 0.03, 0, 0.93, "learning_rate"), "study": "rates"}
    summary = st.summarize(grid + [losing])[("mnist", "flat", 1000, "relax", 2, 2)]
    assert summary.learning_rate == 0.01 and sorted(summary.by_seed) == [0, 1, 2]
    winning = {**losing, "val_metric": "0.97"}
    summary = st.summarize(grid + [winning])[("mnist", "flat", 1000, "relax", 2, 2)]
    # until its other seeds run at the new rate, the point has one seed there
    assert summary.learning_rate == 0.03 and summary.by_seed == {0: 0.97}


def test_claims_and_which_intervals_straddle_zero():
    rows = []
    for seed, (rnn, balanced, dnn, dense) in enumerate([(0.90, 0.95, 0.95, 0.80), (0.91, 0.96, 0.90, 0.81),
                                                         (0.89, 0.95, 0.96, 0.79)]):
        rows += [row("relax", 1, 4, 0.01, seed, rnn), row("relax", 2, 2, 0.01, seed, balanced),
                 row("relax", 4, 1, 0.01, seed, dnn), row("dense", 0, 0, 0.01, seed, dense)]
    summaries = st.summarize(rows)
    listed = st.claims(summaries, "mnist", "flat", 1000, [4, 8], st.BASELINES)
    assert [(name, a.point[3:], b.point[3:]) for name, a, b in listed] == [
        ("best ReLaX vs best Keras baseline", ("relax", 2, 2), ("dense", 0, 0)),
        ("depth 4: balanced vs rnn end", ("relax", 2, 2), ("relax", 1, 4)),
        ("depth 4: balanced vs dnn end", ("relax", 2, 2), ("relax", 4, 1))]
    assert [st.straddles_zero(a, b, higher_is_better=True) for _, a, b in listed] == [False, False, True]


def test_length_checks_pair_runs_of_the_same_point_rate_and_seed():
    rows = [row("relax", 2, 2, 0.01, 0, 0.900), row("relax", 2, 2, 0.001, 0, 0.800, "learning_rate"),
            row("relax", 4, 1, 0.01, 0, 0.950)]
    longer = [{**row("relax", 2, 2, 0.01, 0, 0.901), "steps": "8000"},
              {**row("relax", 4, 1, 0.01, 0, 0.960), "steps": "8000"},
              {**row("relax", 1, 4, 0.01, 0, 0.990), "steps": "8000"}]  # not in the study: left out
    checks = st.length_checks(rows, longer)
    assert [(c.point[4:], c.steps, c.longer_steps) for c in checks] == [((2, 2), 4000, 8000), ((4, 1), 4000, 8000)]
    assert [c.converged("accuracy") for c in checks] == [True, False]
    assert checks[1].gain(higher_is_better=True) == pytest.approx(0.01)
    assert checks[1].gain(higher_is_better=False) == pytest.approx(-0.01)


def test_convergence_reads_the_last_quarter_of_the_curve():
    flat = [(k, 0.97 + 0.0001 * k) for k in range(8)]
    rising = [(k, 0.90 + 0.01 * k) for k in range(8)]
    assert st.converged(flat, "accuracy") and not st.converged(rising, "accuracy")


def test_tables_of_different_semantics_are_not_mixed(tmp_path):
    paths = []
    for name, fingerprint in (("a", "f1"), ("b", "f2")):
        (tmp_path / name).mkdir()
        path = tmp_path / name / "results.csv"
        with open(path, "w", newline="") as file:
            writer = csv.DictWriter(file, FIELDS)
            writer.writeheader()
            writer.writerow({**row("relax", 1, 1, 0.01, 0, 0.9), "fingerprint": fingerprint})
        paths.append(path)
    assert st.read_rows(paths[:1])[0]["study"] == "a"
    with pytest.raises(ValueError, match=r"mix model semantics \(fingerprints \['f1', 'f2'\]\)"):
        st.read_rows(paths)


def test_training_lengths_are_not_mixed_within_a_task_and_encoding(tmp_path):
    paths = []
    for name, steps, encoding in (("a", "2000", "rows"), ("b", "5000", "rows"), ("c", "4000", "flat")):
        (tmp_path / name).mkdir()
        paths.append(tmp_path / name / "results.csv")
        with open(paths[-1], "w", newline="") as file:
            writer = csv.DictWriter(file, FIELDS)
            writer.writeheader()
            writer.writerow({**row("relax", 1, 1, 0.01, 0, 0.9), "encoding": encoding, "steps": steps})
    assert len(st.read_rows([paths[0], paths[2]])) == 2  # other encodings may differ
    with pytest.raises(ValueError, match=r"train mnist rows for different numbers of steps \['2000', '5000'\]"):
        st.read_rows(paths)


def test_holm_step_down():
    assert st.holm([0.01, 0.04, 0.03, 0.005]) == pytest.approx([0.03, 0.06, 0.06, 0.02])
    assert st.holm([0.5]) == [0.5]
    assert st.holm([0.01, math.nan]) == pytest.approx([0.02, 1.0])  # no test counts as p = 1


def test_paired_p_value_by_hand_and_where_there_is_no_test():
    # differences 1 and 3: t = 2 / (sqrt(2) / sqrt(2)) = 2 with one degree of freedom,
    # a Cauchy: p = 1 - 2 atan(2) / pi
    assert st.paired_p_value([1.0, 3.0]) == pytest.approx(1 - 2 * math.atan(2) / math.pi)
    assert math.isnan(st.paired_p_value([0.5]))  # one pair
    assert math.isnan(st.paired_p_value([0.2, 0.2, 0.2]))  # no spread


def test_power_of_the_paired_t_test():
    assert st.power(0.0, 1.0, 10, 0.05) == pytest.approx(0.05, abs=1e-6)  # no effect: the level
    assert st.power(1.0, 1.0, 10, 0.05) == pytest.approx(0.8031, abs=1e-3)  # textbook: d = 1, n = 10
    assert st.power(0.5, 1.0, 20, 0.01) < st.power(0.5, 1.0, 40, 0.01)
    assert st.power(0.0013, 0.0002, 6, 0.05 / 6) == pytest.approx(1.0)  # where scipy's nct gives nan
    assert st.pairs_for_power(1.0, 1.0, 0.05) == 10
