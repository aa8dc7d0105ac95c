"""The study: its oracle, paired seeds, the semantics fingerprint, resume and distribution."""

import csv
import dataclasses
import json
import os
import pathlib
import signal
import subprocess
import sys
import time
from unittest import mock

import numpy as np
import pytest

import keras
from relax_keras import tasks
from relax_keras.layers.relax_block import ReLaXBlock
from relax_keras.tuning import study
from relax_keras.tuning.fingerprint import semantics_fingerprint
from relax_keras.tuning.study_oracle import PENDING
from relax_keras.tuning.study_oracle import StudyOracle
from relax_keras.tuning.study_spec import StudySpec
from relax_keras.tuning.engine import ReLaXTuner
from relax_keras.tuning.study_grid import Point
from relax_keras.tuning.study_hypermodel import StudyHyperModel

POINT = Point("mnist", "flat", 8000, "relax", 1, 1)


def ended(oracle, trial, metric):
    oracle.update_trial(trial.trial_id, {"val_metric": metric})
    trial.status = "COMPLETED"
    oracle.end_trial(trial)


def test_oracle_chooses_the_rate_on_the_first_seed_then_runs_the_others(tmp_path):
    oracle = StudyOracle(["a", "b"], [0.001, 0.01, 0.1], [0, 1, 2], higher_is_better=False, idle_seconds=0)
    oracle._set_project_dir(str(tmp_path), "study")
    metrics = {0.001: 2.0, 0.01: 1.5, 0.1: 1.7}
    served = []
    first = [oracle.create_trial(f"worker{i}") for i in range(3)]  # a's three rates
    assert [t.hyperparameters.values["learning_rate"] for t in first] == [0.001, 0.01, 0.1]
    assert oracle.chosen_rate("a") is PENDING
    # while a's rates run, another worker gets b's
    served.append(oracle.create_trial("worker3").hyperparameters.values)
    assert served[-1]["point"] == "b" and served[-1]["stage"] == "learning_rate"
    for trial in first:
        ended(oracle, trial, metrics[trial.hyperparameters.values["learning_rate"]])
    assert oracle.chosen_rate("a") == 0.01
    seeds = [oracle.create_trial(f"worker{i}").hyperparameters.values for i in range(2)]
    assert [(v["point"], v["learning_rate"], v["seed"], v["stage"]) for v in seeds] == [
        ("a", 0.01, 1, "seed"), ("a", 0.01, 2, "seed")]


@pytest.mark.parametrize("higher_is_better", [False, True])
def test_oracle_never_chooses_a_rate_whose_training_diverged(tmp_path, higher_is_better):
    oracle = StudyOracle(["a"], [0.1, 0.001], [0, 1], higher_is_better=higher_is_better, idle_seconds=0)
    oracle._set_project_dir(str(tmp_path), "study")
    large, small = oracle.create_trial("worker0"), oracle.create_trial("worker1")
    ended(oracle, large, float("nan"))
    ended(oracle, small, 0.5)
    assert oracle.chosen_rate("a") == 0.001


def test_oracle_waits_while_a_rate_runs_and_stops_when_all_ran(tmp_path):
    oracle = StudyOracle(["a"], [0.01], [0, 1], higher_is_better=True, idle_seconds=0)
    oracle._set_project_dir(str(tmp_path), "study")
    rate_trial = oracle.create_trial("worker0")
    assert oracle.create_trial("worker1").status == "IDLE"
    ended(oracle, rate_trial, 0.9)
    seed_trial = oracle.create_trial("worker1")
    assert seed_trial.hyperparameters.values["seed"] == 1
    ended(oracle, seed_trial, 0.8)
    assert oracle.create_trial("worker0").status == "STOPPED"


def test_follow_up_oracle_runs_every_seed_at_the_chosen_rate(tmp_path):
    oracle = StudyOracle(["a", "b"], [0.001, 0.01], [3, 4], higher_is_better=True,
                         chosen_rates={"a": 0.01, "b": 0.001}, idle_seconds=0)
    oracle._set_project_dir(str(tmp_path), "study")
    trials = [oracle.create_trial(f"worker{i}") for i in range(4)]
    assert [(t.hyperparameters.values["point"], t.hyperparameters.values["learning_rate"],
             t.hyperparameters.values["seed"], t.hyperparameters.values["stage"]) for t in trials] == [
        ("a", 0.01, 3, "seed"), ("a", 0.01, 4, "seed"), ("b", 0.001, 3, "seed"), ("b", 0.001, 4, "seed")]
    for trial in trials:
        ended(oracle, trial, 0.5)
    assert oracle.create_trial("worker0").status == "STOPPED"
    with pytest.raises(ValueError, match=r"no rate for the points \['b'\]"):
        StudyOracle(["a", "b"], [0.01], [3], higher_is_better=True, chosen_rates={"a": 0.01})


def test_a_rate_extending_follow_up_runs_learning_rate_trials(tmp_path):
    oracle = StudyOracle(["a", "b"], [0.003, 0.01, 0.03], [0], higher_is_better=True,
                         chosen_rates={"a": 0.03, "b": 0.003}, extends_rates=True, idle_seconds=0)
    oracle._set_project_dir(str(tmp_path), "study")
    trials = [oracle.create_trial(f"worker{i}") for i in range(2)]
    assert [tuple(t.hyperparameters.values[k] for k in ("point", "learning_rate", "seed", "stage"))
            for t in trials] == [("a", 0.03, 0, "learning_rate"), ("b", 0.003, 0, "learning_rate")]
    for trial in trials:
        ended(oracle, trial, 0.5)
    assert oracle.create_trial("worker0").status == "STOPPED"


def test_a_kill_while_the_search_state_is_written_leaves_the_last_whole_state(tmp_path):
    oracle = StudyOracle(["a"], [0.01], [0, 1], higher_is_better=True, idle_seconds=0)
    oracle._set_project_dir(str(tmp_path), "study")
    trial = oracle.create_trial("worker0")
    project = tmp_path / "study"
    saved = {path: path.read_text() for path in (project / "oracle.json", project / f"trial_{trial.trial_id}" / "trial.json")}
    with mock.patch("relax_keras._files.os.replace", side_effect=KeyboardInterrupt):  # killed before the rename
        with pytest.raises(KeyboardInterrupt):
            ended(oracle, trial, 0.9)
    assert {path: path.read_text() for path in saved} == saved
    reloaded = StudyOracle(["a"], [0.01], [0, 1], higher_is_better=True, idle_seconds=0)
    reloaded._set_project_dir(str(tmp_path), "study")
    reloaded.reload()
    assert reloaded.trials[trial.trial_id].status == "RUNNING"


def test_a_cut_search_state_file_is_named_in_the_error(tmp_path):
    spec = dict(directory=str(tmp_path), project_name="study")
    ReLaXTuner(StudyOracle([POINT.key], [0.01], [0], higher_is_better=True),
                       StudyHyperModel({POINT.key: POINT}, 10, 1, "f"), **spec).save()
    (tmp_path / "study" / "oracle.json").write_text("")
    with pytest.raises(ValueError, match=r"oracle\.json'\] are empty or cut"):
        ReLaXTuner(StudyOracle([POINT.key], [0.01], [0], higher_is_better=True),
                       StudyHyperModel({POINT.key: POINT}, 10, 1, "f"), **spec)


def test_a_seed_gives_every_point_the_same_batches(shared_data):
    task = tasks.get("mnist")
    sources = {"local_dir": shared_data / "mnist"}
    first_batches = []
    for model in ("relax", "dense"):
        keras.utils.set_random_seed(3)  # as a trial does, then builds its model
        task.build(model, "flat", 2, 2, 20_000, 1e-3)
        batches = task.dataset("train", seed=3, shuffle=True, repeat=True, sources=sources).take(3)
        first_batches.append([labels.numpy() for _, labels in batches])
    np.testing.assert_array_equal(first_batches[0], first_batches[1])
    other = task.dataset("train", seed=4, shuffle=True, repeat=True, sources=sources).take(1)
    assert not np.array_equal(next(iter(other))[1].numpy(), first_batches[0][0])


def test_fingerprint_is_the_same_for_both_engines_and_moves_with_the_semantics():
    fingerprint, losses = semantics_fingerprint()
    with mock.patch.object(ReLaXBlock, "engine_for", lambda self, training=None, mask=None: "scan"):
        assert semantics_fingerprint() == (fingerprint, losses)
    # the bug of identical initial sets is a change of semantics
    identical = lambda initializer: lambda shape, dtype=None: keras.ops.broadcast_to(
        initializer(shape[1:], dtype=dtype), shape)
    with mock.patch("relax_keras.layers.switch_cell.bank_initializer", identical):
        assert semantics_fingerprint()[0] != fingerprint


def tiny_spec(tmp_path, shared_data, **fields):
    spec = dict(name="tiny", task="mnist", encoding="flat", budgets=[8000], depths=[1, 2],
                weight_sets=[1, 2], repeats=[1, 2], baselines=False, learning_rates=[0.003, 0.01],
                seeds=[0, 1], steps=20, evaluations=2, output=str(tmp_path / "results"),
                directory=str(tmp_path / "runs"), sources={"local_dir": str(shared_data / "mnist")})
    spec.update(fields)
    path = tmp_path / "tiny.json"
    path.write_text(json.dumps(spec))
    return path


def results(tmp_path):
    with open(tmp_path / "results" / "results.csv") as file:
        return list(csv.DictReader(file))


def test_a_rerun_with_other_settings_or_semantics_is_refused(tmp_path, shared_data):
    spec = StudySpec.from_file(tiny_spec(tmp_path, shared_data))
    fingerprint, _ = semantics_fingerprint()
    project = tmp_path / "runs" / "tiny"
    recipe = lambda: "r1"
    assert study.check_guard(project, spec, fingerprint, recipe) == "r1"
    study.check_guard(project, StudySpec.from_file(tiny_spec(tmp_path, shared_data, output="elsewhere")), fingerprint,
                      recipe)
    with pytest.raises(ValueError, match=r"other settings \(steps: now 40, recorded 20\)"):
        study.check_guard(project, StudySpec.from_file(tiny_spec(tmp_path, shared_data, steps=40)), fingerprint,
                          recipe)
    with pytest.raises(ValueError, match="other model semantics .* this code: 0123456789"):
        study.check_guard(project, spec, "0123456789", recipe)
    with pytest.raises(ValueError, match=r"another recipe \(data order, .* recipe fingerprint r1, now r2"):
        study.check_guard(project, spec, fingerprint, lambda: "r2")


def test_a_study_started_before_a_spec_field_existed_resumes(tmp_path, shared_data):
    spec = StudySpec.from_file(tiny_spec(tmp_path, shared_data))
    fingerprint, _ = semantics_fingerprint()
    project = tmp_path / "runs" / "tiny"
    study.check_guard(project, spec, fingerprint, lambda: "r1")
    guard = json.loads((project / study.GUARD).read_text())
    del guard["spec"]["extends_rates"], guard["recipe"]  # as a study started by an older version recorded it
    (project / study.GUARD).write_text(json.dumps(guard))
    assert study.check_guard(project, spec, fingerprint, lambda: "r2") == ""  # goes on without a recipe


def test_results_of_other_semantics_or_recipes_are_never_appended_to(tmp_path):
    table = tmp_path / "results.csv"
    table.write_text("trial_id,fingerprint\n00,aaaaaaaaaa\n")
    study.check_results(table, "aaaaaaaaaa")
    with pytest.raises(ValueError, match=r"another model semantics \(fingerprints \['aaaaaaaaaa'\], this code: 'bbbbbbbbbb'\)"):
        study.check_results(table, "bbbbbbbbbb")
    with pytest.raises(ValueError, match=r"another recipe \(recipes \[''\], this code: 'r1'\)"):
        study.check_results(table, "aaaaaaaaaa", recipe="r1")


@pytest.mark.parametrize("fields, message", [
    (dict(task="cifar100"), "`task`, expected one of"),
    (dict(encoding="chars"), "`encoding`, expected one of \\['rows', 'flat'\\], got 'chars'"),
    (dict(budgets=[0]), "`budgets` must be a non-empty list of positive integers, got \\[0\\]"),
    (dict(learning_rates=[0.0]), "`learning_rates` must be a non-empty list of numbers in \\(0, 1\\)"),
    (dict(steps=25, evaluations=2), "`steps` \\(25\\) must be a multiple of `evaluations` \\(2\\)"),
    (dict(colour="blue"), "unknown keys \\['colour'\\]"),
    (dict(chosen_rates={"mnist/flat/8000/relax/1x2": 0.1}), "`chosen_rates` .* are not in `learning_rates`"),
    (dict(chosen_rates=[]), "`chosen_rates` must be a non-empty dict"),
    (dict(follows="mnist_flat_d4"), "`follows` must be a non-empty list of study names, got 'mnist_flat_d4'"),
    (dict(follows=[]), "`follows` must be a non-empty list of study names, got \\[\\]"),
    (dict(extends_rates=True), "`extends_rates` needs `chosen_rates` .* got 2 seeds \\[0, 1\\]"),
    (dict(extends_rates="yes"), "`extends_rates` must be true or false, got 'yes'"),
])
def test_bad_specifications_fail_before_any_work(tmp_path, shared_data, fields, message):
    with pytest.raises(ValueError, match=message):
        StudySpec.from_file(tiny_spec(tmp_path, shared_data, **fields))


def test_a_follow_up_names_only_points_of_its_grid(tmp_path, shared_data):
    spec = StudySpec.from_file(tiny_spec(tmp_path, shared_data, chosen_rates={"mnist/flat/8000/relax/1x2": 0.01}))
    assert list(study.study_points(spec)) == ["mnist/flat/8000/relax/1x2"]
    spec = StudySpec.from_file(tiny_spec(tmp_path, shared_data, chosen_rates={"mnist/flat/8000/relax/4x4": 0.01}))
    with pytest.raises(ValueError, match=r"names points \['mnist/flat/8000/relax/4x4'\] that are not in its grid"):
        study.study_points(spec)


def test_the_recipe_fingerprint_moves_with_the_data_order_the_optimizer_and_the_sizing(tmp_path, shared_data):
    from relax_keras.tuning.recipe import recipe_fingerprint

    spec = StudySpec.from_file(tiny_spec(tmp_path, shared_data))

    def recipe(steps=20, seeds=(0, 1), learning_rates=(0.003, 0.01), budget=8000):
        points = study.study_points(dataclasses.replace(spec, budgets=(budget,)))
        hypermodel = StudyHyperModel(points, steps, 2, "f", spec.sources)
        return recipe_fingerprint(hypermodel, list(learning_rates), list(seeds))

    digest, parts = recipe()
    assert recipe()[0] == digest  # deterministic
    assert parts["first batch, seed 0"] != parts["first batch, seed 1"]
    for changed in (dict(seeds=(2, 1)), dict(steps=40), dict(learning_rates=(0.01,)), dict(budget=9000)):
        assert recipe(**changed)[0] != digest, changed


STUDY_SPECS = sorted((pathlib.Path(__file__).resolve().parents[1] / "tuning" / "specs").glob("study_*.json"))


@pytest.mark.results
@pytest.mark.parametrize("path", STUDY_SPECS, ids=lambda p: p.name)
def test_committed_study_specifications_load_and_fit_their_budgets(path):
    spec = StudySpec.from_file(path)
    points = study.study_points(spec)
    assert points and spec.output == ("tuning/results/length_check/" if spec.name.rstrip("0123456789").endswith("_twice")
                                      else "tuning/results/") + spec.name
    for point in points.values():
        assert point.depth in spec.depths or point.model != "relax"
    # the most weight sets at the smallest budget still fit (or, with no ReLaX-Net, a baseline)
    smallest = min(p.budget for p in points.values())
    hardest = max((p for p in points.values() if p.budget == smallest),
                  key=lambda p: (p.model == "relax", p.weight_sets or 0))
    model = tasks.get(spec.task).build(hardest.model, spec.encoding, hardest.weight_sets, hardest.repeats,
                                       hardest.budget, 1e-3)
    assert model.count_params() <= hardest.budget


@pytest.mark.results
def test_the_plan_runs_every_committed_study():
    plan = (pathlib.Path(__file__).resolve().parents[1] / "tuning" / "run_studies.sh").read_text()
    for path in STUDY_SPECS:
        family, phase = path.stem[len("study_"):].rsplit("_", 1)
        assert family in plan and phase.rstrip("0123456789") in plan


def study_command(spec):
    return [sys.executable, "-m", "relax_keras", "study", "--spec", str(spec), "--verbose", "0"]


ENVIRONMENT = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3", "TF_NUM_INTRAOP_THREADS": "1"}
EXPECTED_TRIALS = 3 * (2 + 1)  # points (1, 1), (1, 2), (2, 1) x (rates + other seeds)


@pytest.mark.slow
def test_study_resumes_after_a_kill_and_runs_every_trial_once(tmp_path, shared_data):
    spec = tiny_spec(tmp_path, shared_data)
    process = subprocess.Popen(study_command(spec), env=ENVIRONMENT, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)
    deadline = time.time() + 120
    while len(list((tmp_path / "runs" / "tiny").glob("trial_*/record.json"))) < 3 and time.time() < deadline:
        time.sleep(0.2)
    process.send_signal(signal.SIGKILL)
    process.wait()
    done = len(list((tmp_path / "runs" / "tiny").glob("trial_*/record.json")))
    assert 3 <= done < EXPECTED_TRIALS
    rerun = subprocess.run(study_command(spec), env=ENVIRONMENT, capture_output=True, text=True, timeout=300)
    assert rerun.returncode == 0, rerun.stderr[-3000:]
    rows = results(tmp_path)
    assert len(rows) == EXPECTED_TRIALS and all(row["status"] == "ok" for row in rows)
    recorded = json.loads((tmp_path / "runs" / "tiny" / study.GUARD).read_text())["recipe"]
    assert len(recorded) == 10 and {row["recipe"] for row in rows} == {recorded}  # the killed run's trials too
    assert len({(r["model"], r["weight_sets"], r["repeats"], r["seed"], r["stage"], r["learning_rate"]) for r in rows}) == EXPECTED_TRIALS
    # the ended study, archived into one file, resumes from it and trains nothing again
    archived = subprocess.run(study_command(spec) + ["--archive"], env=ENVIRONMENT, capture_output=True,
                              text=True, timeout=300)
    assert archived.returncode == 0, archived.stderr[-3000:]
    assert not (tmp_path / "runs" / "tiny").exists() and (tmp_path / "runs" / "tiny.tar.gz").is_file()
    table = (tmp_path / "results" / "results.csv").read_bytes()
    resumed = subprocess.run(study_command(spec), env=ENVIRONMENT, capture_output=True, text=True, timeout=300)
    assert resumed.returncode == 0, resumed.stderr[-3000:]
    assert (tmp_path / "results" / "results.csv").read_bytes() == table
    assert len(list((tmp_path / "runs" / "tiny").glob("trial_*/record.json"))) == EXPECTED_TRIALS


@pytest.mark.slow
def test_distributed_study_on_loopback_runs_every_trial_once(tmp_path, shared_data, free_port):
    spec = tiny_spec(tmp_path, shared_data)
    port = str(free_port)
    processes = {}
    for tuner_id in ("chief", "tuner0", "tuner1"):
        env = {**ENVIRONMENT, "KERASTUNER_TUNER_ID": tuner_id, "KERASTUNER_ORACLE_IP": "127.0.0.1",
               "KERASTUNER_ORACLE_PORT": port}
        processes[tuner_id] = subprocess.Popen(study_command(spec), env=env, stdout=subprocess.PIPE,
                                               stderr=subprocess.STDOUT, text=True)
    try:
        for tuner_id, process in processes.items():
            output, _ = process.communicate(timeout=400)
            assert process.returncode == 0, f"{tuner_id}: {output[-3000:]}"
    finally:
        for process in processes.values():
            process.kill()
    rows = results(tmp_path)
    assert len(rows) == EXPECTED_TRIALS and all(row["status"] == "ok" for row in rows)
    keys = {(r["model"], r["weight_sets"], r["repeats"], r["seed"], r["stage"], r["learning_rate"]) for r in rows}
    assert len(keys) == EXPECTED_TRIALS
    ran_by = {json.loads(path.read_text())["tuner_id"]
              for path in (tmp_path / "runs" / "tiny").glob("trial_*/record.json")}
    assert ran_by == {"tuner0", "tuner1"}


CONFIRM_SPECS = sorted((pathlib.Path(__file__).resolve().parents[1] / "tuning" / "specs").glob("confirm_*.json"))


@pytest.mark.results
@pytest.mark.parametrize("path", CONFIRM_SPECS, ids=lambda p: p.name)
def test_confirmatory_specifications_fix_everything_and_use_fresh_seeds(path):
    spec = StudySpec.from_file(path)
    points = study.study_points(spec)
    assert set(points) == set(spec.chosen_rates) and not spec.extends_rates  # no selection
    assert min(spec.seeds) >= 10 and spec.output == f"tuning/results/confirm/{spec.name}"
    exploratory = [StudySpec.from_file(p) for p in STUDY_SPECS]
    assert not {s for e in exploratory for s in e.seeds} & set(spec.seeds)
    study_steps = {e.steps for e in exploratory if (e.task, e.encoding) == (spec.task, spec.encoding)
                   and e.output.startswith("tuning/results/") and "length_check" not in e.output}
    (length,) = study_steps
    assert spec.steps == (length if spec.name.endswith("_1x") else 2 * length)
    for point in points.values():
        model = tasks.get(spec.task).build(point.model, spec.encoding, point.weight_sets, point.repeats,
                                           point.budget, 1e-3)
        assert model.count_params() <= point.budget


def test_a_study_never_writes_over_another_studys_results(tmp_path):
    table = tmp_path / "results.csv"
    table.write_text("trial_id,fingerprint\n00,aaaaaaaaaa\n")
    (tmp_path / study.OWNER).write_text('{"study": "first"}')
    study.check_results(table, "aaaaaaaaaa", "first")
    with pytest.raises(ValueError, match=f"{tmp_path} holds the results of the study 'first'; give the study 'second' another `output`"):
        study.check_results(table, "aaaaaaaaaa", "second")


@pytest.mark.slow
def test_a_study_whose_data_is_missing_fails_before_any_work_and_trains_every_trial_on_rerun(tmp_path, shared_data,
                                                                                          capsys):
    """The data are read first for the recipe's fingerprint; a trial failing outside the
    model later stops the search as `tune`'s do (one engine, `test_tuning`)."""
    from relax_keras.cli import main

    empty = tmp_path / "empty"
    empty.mkdir()
    spec = tiny_spec(tmp_path, shared_data, sources={"local_dir": str(empty)}, depths=[1], weight_sets=[1],
                     repeats=[1])  # one point: 2 rates on seed 0, then seed 1
    assert main(["study", "--spec", str(spec), "--verbose", "0"]) == 2
    assert f"error: No mnist files in the given local_dir {empty}" in capsys.readouterr().err
    assert not (tmp_path / "results").exists() and not (tmp_path / "runs" / "tiny").exists()
    assert main(["study", "--spec", str(spec), "--verbose", "0", "--local-dir", str(shared_data / "mnist")]) == 0
    rows = results(tmp_path)
    assert len(rows) == 3 and all(row["status"] == "ok" for row in rows)
    assert json.loads((tmp_path / "results" / study.OWNER).read_text()) == {"study": "tiny"}
