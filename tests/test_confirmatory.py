"""The confirmatory study's analysis on made-up rows (the real verdict waits for the study)."""

import json

import numpy as np
import pytest

from relax_keras.tuning import confirmatory
from relax_keras.tuning import report
from relax_keras.tuning import study_statistics as st
from relax_keras.tuning.confirmatory import HYPOTHESES

SPECS = {point: h.spec for h in HYPOTHESES for point in (h.a, h.b)}


def rows_for(effects, seeds=range(10, 20), noise=0.001, rng_seed=0, steps="100"):
    """Rows where each hypothesis's A differs from B by `effects[id]` in the predicted
    direction (with noise), both points drawn per seed."""
    rng = np.random.default_rng(rng_seed)
    values = {}
    for h in HYPOTHESES:
        for seed in seeds:
            base = values.setdefault((h.b, seed), 1.0 + rng.normal(0, 0.01))
            sign = 1 if h.higher_is_better else -1
            values.setdefault((h.a, seed), base + sign * effects.get(h.id, 0.0) + rng.normal(0, noise))
    return [{"task": point[0], "encoding": point[1], "budget": str(point[2]), "model": point[3],
             "weight_sets": str(point[4]), "repeats": str(point[5]), "seed": str(seed),
             "val_metric": str(value), "status": "ok", "stage": "seed", "learning_rate": "0.01", "params": "1000",
             "steps": steps, "seconds": "360", "study": f"{SPECS[point]}", "commit": "abc", "fingerprint": "f1",
             "cpu": "test CPU"} for (point, seed), value in values.items()]


def test_verdicts_follow_the_plan():
    effects = {"H1": 0.02, "H2": 0.0, "H4": -0.01, "H6": 0.0001}
    results = {r["hypothesis"].id: r for r in confirmatory.verdicts(confirmatory.metrics_by_seed(rows_for(effects)))}
    assert results["H1"]["verdict"] == "confirmed" and results["H1"]["mean"] == pytest.approx(0.02, abs=0.002)
    assert results["H4"]["verdict"] == "reversed" and results["H4"]["mean"] < 0
    assert results["H2"]["verdict"] == "not confirmed" and results["H2"]["overstated"]  # 0 is far below 0.0098
    assert all(r["n"] == 10 for r in results.values())
    assert all(r["p_holm"] >= r["p"] for r in results.values())
    assert "| H1 | shakespeare 10,000: (2, 2) vs (1, 4) | 10 |" in "\n".join(confirmatory.markdown(list(results.values())))


def test_a_lost_seed_shrinks_only_its_pair():
    lost = {"seed": "12", "task": "shakespeare", "budget": "10000", "weight_sets": "1", "repeats": "4"}
    rows = [r for r in rows_for({"H1": 0.02}) if any(r[k] != v for k, v in lost.items())]
    results = {r["hypothesis"].id: r for r in confirmatory.verdicts(confirmatory.metrics_by_seed(rows))}
    assert results["H1"]["n"] == 9 and results["H6"]["n"] == 10


def test_length_sensitivity_flag():
    longer = confirmatory.metrics_by_seed(rows_for({"H1": 0.02}, seeds=[10, 11]))
    same = confirmatory.metrics_by_seed(rows_for({"H1": 0.02}, seeds=[10, 11], rng_seed=1))
    halved = confirmatory.metrics_by_seed(rows_for({"H1": 0.005}, seeds=[10, 11], rng_seed=1))
    assert confirmatory.length_sensitive(HYPOTHESES[0], same, longer) is False
    assert confirmatory.length_sensitive(HYPOTHESES[0], halved, longer) is True
    assert confirmatory.length_sensitive(HYPOTHESES[0], {}, longer) is None


def test_the_test_split_is_read_once_from_the_sealed_records(tmp_path):
    rows = [{**row, "study": "confirm_shakespeare", "trial_id": f"{i:02d}", "learning_rate": "0.01"}
            for i, row in enumerate(rows_for({"H1": 0.02}))]
    for row in rows:
        sealed = tmp_path / row["study"] / f"trial_{row['trial_id']}" / "sealed_test.json"
        sealed.parent.mkdir(parents=True)
        sealed.write_text(json.dumps({"test_metric": float(row["val_metric"]) + 0.1}))
    path = tmp_path / "test.csv"
    readings = confirmatory.read_test_once(rows, tmp_path, path)
    validation = confirmatory.metrics_by_seed(rows)
    test = confirmatory.metrics_by_seed(readings, "test_metric")
    assert test.keys() == validation.keys()
    assert all(test[p][s] == pytest.approx(validation[p][s] + 0.1) for p in test for s in test[p])
    sealed.write_text(json.dumps({"test_metric": 9.0}))  # a later reading takes the first one's figures
    assert confirmatory.read_test_once(rows, tmp_path, path) == readings


def test_the_test_split_waits_for_every_spec(tmp_path):
    for spec in {h.spec for h in HYPOTHESES}:
        (tmp_path / spec).mkdir()
        (tmp_path / spec / "results.csv").write_text("")
    with pytest.raises(SystemExit, match="confirm_shakespeare_1x"):
        confirmatory.main([str(tmp_path), "--test"])


def test_the_length_check_pairs_seed_zero_of_the_exploratory_study(tmp_path):
    longer_rows = rows_for({"H1": 0.02}, seeds=[10, 11], steps="200")
    shorter_rows = rows_for({"H1": 0.01}, seeds=[10, 11])
    explored = rows_for({"H1": 0.0}, seeds=[0, 1], rng_seed=2)
    unchecked = {"task": "mnist", "encoding": "rows", "weight_sets": "1"}  # as in the study: no check of (1, 1)
    checked = [row for row in rows_for({"H1": 0.02}, seeds=[0], rng_seed=3, steps="200")
               if any(row[k] != v for k, v in unchecked.items())]
    other_rate = [{**row, "learning_rate": "0.003", "val_metric": "9"} for row in explored]
    for folder, rows in (("explored", explored + other_rate), ("length_check/checked", checked)):
        (tmp_path / folder).mkdir(parents=True)
        (tmp_path / folder / "results.csv").write_text(
            "".join([",".join(rows[0]) + "\n"] + [",".join(r.values()) + "\n" for r in rows]))
    shorter, longer = confirmatory.seed_zero_tables(tmp_path, longer_rows, shorter_rows)
    assert {seeds for table in (shorter, longer) for seeds in map(tuple, table.values())} == {(0,)}
    assert all(value != 9 for by_seed in shorter.values() for value in by_seed.values())  # the plan's rate only
    lines = "\n".join(confirmatory.report_lines(longer_rows, shorter_rows, (shorter, longer)))
    assert "| H1 | 0, 10, 11 |" in lines and "| H4 | 10, 11 |" in lines


def test_the_report_says_what_has_not_happened_yet():
    rows = rows_for({"H1": 0.02})
    lines = confirmatory.report_lines(rows)
    assert "Not yet: the `_1x` specs have not ended." in lines
    assert "Not read yet: it is read once, after every spec has ended (`--test`)." in lines
    assert "| `confirm_shakespeare` | 60 | 60 | 100 | 6.0 |" in lines  # 60 trials of 360 s: 6 trial-hours
    assert any(line.startswith("| H1 |") and "| confirmed |" in line for line in lines)


def test_main_writes_the_report_beside_the_results(tmp_path, capsys):
    rows, folder = rows_for({"H1": 0.02}), tmp_path / "confirm"
    for spec in {h.spec for h in HYPOTHESES}:
        mine = [r for r in rows if r["study"] == spec]
        (folder / spec).mkdir(parents=True)
        (folder / spec / "results.csv").write_text(
            "".join([",".join(mine[0]) + "\n"] + [",".join(r.values()) + "\n" for r in mine]))
    confirmatory.main([str(folder)])
    written = (folder / "README.md").read_text()
    assert written == capsys.readouterr().out
    assert written.startswith("# Confirmatory study: results")
    assert "## Power, recomputed" not in written  # no exploratory tables beside it
    assert not (folder / "test.csv").exists()  # the test split waits for --test


def test_the_advice_table_takes_the_confirmed_rows():
    confirmed = (confirmatory.verdicts(confirmatory.metrics_by_seed(rows_for({"H1": 0.02, "H6": 0.0}))),
                 st.summarize(rows_for({"H1": 0.02, "H6": 0.0})))
    explored_rows = rows_for({"H1": -0.05}, seeds=range(3), rng_seed=4)
    unswitched = [{**row, "weight_sets": "1", "repeats": "8", "val_metric": "2.0"} for row in explored_rows
                  if (row["budget"], row["weight_sets"], row["repeats"]) == ("100000", "4", "2")]
    explored = st.summarize(explored_rows + unswitched)
    lines = report.advice_lines(explored, confirmed)
    text = "\n".join(lines)
    assert "| long sequence (text) | 10,000 | (2, 2) |" in text and "(H1: n=10, Holm p=" in text
    assert "clear (H1:" in text and "noise (H6:" in text  # H6 had no effect
    assert "best of" in text  # text 100k: no switched-against-unswitched test there, the exploratory row stays

