"""The confirmatory study's analysis on made-up rows (the real verdict waits for the study)."""

import json

import numpy as np
import pytest

from relax_keras.tuning import confirmatory
from relax_keras.tuning.confirmatory import HYPOTHESES


def rows_for(effects, seeds=range(10, 20), noise=0.001, rng_seed=0):
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
             "val_metric": str(value), "status": "ok"} for (point, seed), value in values.items()]


def test_holm_step_down():
    assert confirmatory.holm([0.01, 0.04, 0.03, 0.005]) == pytest.approx([0.03, 0.06, 0.06, 0.02])
    assert confirmatory.holm([0.5]) == [0.5]


def test_verdicts_follow_the_plan():
    effects = {"H1": 0.02, "H2": 0.0, "H4": -0.01, "H6": 0.0001}
    results = {r["hypothesis"].id: r for r in confirmatory.verdicts(confirmatory.metrics_by_seed(rows_for(effects)))}
    assert results["H1"]["verdict"] == "confirmed" and results["H1"]["mean"] == pytest.approx(0.02, abs=0.002)
    assert results["H4"]["verdict"] == "reversed" and results["H4"]["mean"] < 0
    assert results["H2"]["verdict"] == "not confirmed" and results["H2"]["overstated"]  # 0 is far below 0.0098
    assert all(r["n"] == 10 for r in results.values())
    assert all(r["p_holm"] >= r["p"] for r in results.values())
    assert "| H1 | shakespeare 10,000: (2, 2) vs (1, 4) | 10 |" in confirmatory.markdown(list(results.values()))


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
