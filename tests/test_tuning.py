import pathlib

import keras_tuner
import pytest

from relax_keras import tasks
from relax_keras.tuning import ReLaXHyperModel

ROOT_DIR = pathlib.Path(__file__).resolve().parents[1]


@pytest.mark.parametrize("task", ["mnist", "shakespeare"])
def test_default_point_respects_and_nearly_uses_the_budget(task):
    model = ReLaXHyperModel(task, param_budget=60_000).build(keras_tuner.HyperParameters())
    assert 0.95 * 60_000 <= model.count_params() <= 60_000


def fixed(**values):
    hp = keras_tuner.HyperParameters()
    for name, value in values.items():
        hp.Fixed(name, value)
    return hp


@pytest.mark.parametrize("weight_sets", [1, 2, 4, 8])
@pytest.mark.parametrize("repeats", [1, 8])
def test_every_feasible_point_fits_the_budget(weight_sets, repeats):
    hypermodel = ReLaXHyperModel("mnist", param_budget=30_000)
    model = hypermodel.build(fixed(weight_sets=weight_sets, repeats=repeats))
    block = model.get_layer("relax_block")
    assert (block.weight_sets, block.repeats) == (weight_sets, repeats)
    assert model.count_params() <= 30_000


def test_fixed_depth_derives_repeats_and_searches_only_its_divisors():
    hypermodel = ReLaXHyperModel("mnist", param_budget=30_000, depth=4, weight_sets=[1, 2, 3, 4, 8])
    assert hypermodel.weight_sets == [1, 2, 4]
    block = hypermodel.build(fixed(weight_sets=4)).get_layer("relax_block")
    assert (block.weight_sets, block.repeats) == (4, 1)


def test_the_search_space_holds_only_points_that_fit_the_budget():
    assert ReLaXHyperModel("shakespeare", param_budget=3_305, weight_sets=[1, 8]).weight_sets == [1]
    with pytest.raises(ValueError, match=r"No value of `weight_sets` \[8\] divides depth=None and fits param_budget=3305"):
        ReLaXHyperModel("shakespeare", param_budget=3_305, weight_sets=[8])


def test_no_trial_of_a_fixed_depth_search_fails(tmp_path):
    """The issue's case: depth 4 with the default L_W choices (8 among them)."""
    hypermodel = ReLaXHyperModel("mnist", param_budget=30_000, depth=4)
    tuner = keras_tuner.RandomSearch(hypermodel, max_trials=6, directory=tmp_path, project_name="space", seed=1)
    for _ in range(6):
        trial = tuner.oracle.create_trial("tuner0")
        if trial.status != "RUNNING":
            break
        hypermodel.build(trial.hyperparameters)  # raises if a point cannot be built
        tuner.oracle.end_trial(trial)
    assert {t.hyperparameters["weight_sets"] for t in tuner.oracle.trials.values()} <= {1, 2, 4}


def test_fixed_overrides_reach_the_model():
    model = ReLaXHyperModel("mnist", param_budget=30_000).build(
        fixed(schedule="cyclic", activation="sin2", learning_rate=0.01)
    )
    block = model.get_layer("relax_block")
    assert block.schedule == "cyclic" and block.activation.__name__ == "sin2"
    assert float(model.optimizer.learning_rate) == pytest.approx(0.01)


import json  # noqa: E402
import os  # noqa: E402
from unittest import mock  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402

from relax_keras.cli import main  # noqa: E402
from relax_keras.tuning import job  # noqa: E402


def tune_argv(shared_data, directory, max_trials, extra=()):
    return [
        "tune", "mnist", "--budget", "8000", "--encoding", "flat", "--max-trials", str(max_trials),
        "--epochs", "1", "--steps-per-epoch", "2", "--validation-steps", "4", "--batch-size", "64",
        "--directory", str(directory), "--project-name", "job", "--local-dir", str(shared_data / "mnist"),
        "--verbose", "0", *extra,
    ]


def trials(directory):
    found = {}
    for path in (directory / "job").glob("trial_*/trial.json"):
        trial = json.loads(path.read_text())
        found[trial["trial_id"]] = (trial["status"], path.stat().st_mtime_ns)
    return found


@pytest.mark.parametrize("name", sorted(job.ORACLES))
def test_a_kill_while_a_job_writes_its_state_leaves_the_last_whole_state(name, tmp_path):
    tuner = job.make_tuner(ReLaXHyperModel("mnist", param_budget=8000), name, max_trials=2, epochs=1,
                           directory=str(tmp_path), project_name="job", seed=0)
    tuner.save()
    saved = {path: path.read_text() for path in (tmp_path / "job").glob("*.json")}
    with mock.patch("relax_keras._files.os.replace", side_effect=KeyboardInterrupt):  # killed before the rename
        with pytest.raises(KeyboardInterrupt):
            tuner.oracle.create_trial("tuner0")
        with pytest.raises(KeyboardInterrupt):
            tuner.save()
    assert {path: path.read_text() for path in saved} == saved and not list((tmp_path / "job").glob("trial_*/*.json"))


@pytest.mark.slow
def test_short_real_search_and_resume(shared_data, tmp_path):
    assert main(tune_argv(shared_data, tmp_path, 2)) == 0
    first = trials(tmp_path)
    assert len(first) == 2 and all(status == "COMPLETED" for status, _ in first.values())
    assert json.loads((tmp_path / "job" / "job_settings.json").read_text())["validation_steps"] == 4
    assert main(tune_argv(shared_data, tmp_path, 3)) == 0  # the job continues
    second = trials(tmp_path)
    assert len(second) == 3
    assert all(second[trial_id] == first[trial_id] for trial_id in first)  # nothing rerun


@pytest.mark.slow
def test_job_from_a_spec_file(shared_data, tmp_path):
    spec = tmp_path / "job.json"
    spec.write_text(json.dumps({"task": "mnist", "budget": 8000, "encoding": "flat", "max_trials": 1}))
    argv = tune_argv(shared_data, tmp_path, 1)
    argv = ["tune", "--spec", str(spec)] + argv[argv.index("--epochs"):]
    assert main(argv) == 0
    assert len(trials(tmp_path)) == 1


@pytest.mark.slow
def test_distributed_search_runs_every_trial_once(shared_data, tmp_path, free_port):
    port = str(free_port)
    argv = [sys.executable, "-m", "relax_keras"] + tune_argv(shared_data, tmp_path, 4)
    processes = []
    for tuner_id in ("chief", "tuner0", "tuner1"):
        env = {**os.environ, "KERASTUNER_TUNER_ID": tuner_id, "KERASTUNER_ORACLE_IP": "127.0.0.1",
               "KERASTUNER_ORACLE_PORT": port, "TF_CPP_MIN_LOG_LEVEL": "3"}
        processes.append(subprocess.Popen(argv, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True))
    try:
        workers = [p.communicate(timeout=300) for p in processes[1:]]
        for process, (output, _) in zip(processes[1:], workers):
            assert process.returncode == 0, output[-3000:]
    finally:
        processes[0].kill()  # the chief serves the oracle until it is stopped
    found = trials(tmp_path)
    assert len(found) == 4
    assert all(status == "COMPLETED" for status, _ in found.values())
    ran_by = [path.parent.name for path in tmp_path.glob("job/trial_*/trial.json")]
    assert len(set(ran_by)) == 4


JOB_SPECS = sorted(p for p in (ROOT_DIR / "tuning" / "specs").glob("*.json")
             if not p.name.startswith(("study_", "confirm_")))


@pytest.mark.parametrize("spec", JOB_SPECS, ids=lambda p: p.name)
def test_committed_job_specifications_load(spec, tmp_path, shared_data, monkeypatch):
    from relax_keras.tuning import job

    captured = {}
    monkeypatch.setattr(job, "run_job", lambda *args, **kwargs: captured.update(kwargs, task=args[0], budget=args[1]) or FakeTuner())
    monkeypatch.chdir(ROOT_DIR)
    assert main(["tune", "--spec", str(spec), "--directory", str(tmp_path)]) == 0
    expected = json.loads(spec.read_text())
    assert captured["task"] == expected["task"] and captured["budget"] == expected["budget"]
    assert captured["directory"] == str(tmp_path)  # the command line wins over the file
    assert captured["max_trials"] == expected["max_trials"]


class FakeTuner:
    class oracle:
        @staticmethod
        def get_best_trials(count):
            return []


@pytest.mark.slow
def test_a_tuning_job_rerun_with_other_settings_is_refused(shared_data, tmp_path, capsys):
    assert main(tune_argv(shared_data, tmp_path, 1)) == 0
    assert f"Tuning job in {tmp_path / 'job'}" in capsys.readouterr().out
    assert (tmp_path / "job" / "best_model.keras").is_file()
    argv = tune_argv(shared_data, tmp_path, 1)
    argv[argv.index("--epochs") + 1] = "2"
    assert main(argv) == 2
    assert "was started with other settings (epochs: now 2, recorded 1)" in capsys.readouterr().err
    assert main(tune_argv(shared_data, tmp_path, 2)) == 0  # more trials of the same job


def test_a_job_rerun_with_other_settings_is_refused_before_any_work(tmp_path):
    from relax_keras.tuning.settings_guard import check_settings

    check_settings(tmp_path / "job_settings.json", {"task": "mnist", "epochs": 1}, "The tuning job")
    with pytest.raises(ValueError, match=r"The tuning job was started with other settings \(epochs: now 3, recorded 1\)"):
        check_settings(tmp_path / "job_settings.json", {"task": "mnist", "epochs": 3}, "The tuning job")


def test_a_budget_the_search_cannot_fit_is_one_clear_error(shared_data, tmp_path, capsys):
    argv = tune_argv(shared_data, tmp_path, 1)
    argv[argv.index("--budget") + 1] = "50"
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert "error: No value of `weight_sets` [1, 2, 4, 8] divides depth=None and fits param_budget=50" in err
    assert "Traceback" not in err
    assert not list(tmp_path.iterdir())  # nothing written


@pytest.mark.parametrize("flag", ["--budget", "--max-trials", "--epochs", "--depth", "--steps-per-epoch",
                                  "--validation-steps"])
def test_tune_numbers_below_one_are_refused(shared_data, tmp_path, capsys, flag):
    argv = tune_argv(shared_data, tmp_path, 1) + [flag, "0"]
    with pytest.raises(SystemExit):
        main(argv)
    assert f"argument {flag}: expected a positive integer, got '0'" in capsys.readouterr().err


@pytest.mark.parametrize("name", ["random", "bayesian"])
def test_every_seed_fixes_the_search_seed_zero_included(name, tmp_path):
    def first_points(seed, folder):
        tuner = job.make_tuner(ReLaXHyperModel("mnist", param_budget=8000), name, max_trials=3, epochs=1,
                               directory=tmp_path / folder, project_name="p", seed=seed)
        return [tuner.oracle.create_trial(f"tuner{i}").hyperparameters.values for i in range(3)]

    assert first_points(0, "a") == first_points(0, "b")
    assert first_points(0, "a") != first_points(1, "c")


@pytest.mark.parametrize("fields, message", [
    ({"max_trials": 0}, "key 'max_trials': argument --max-trials: expected a positive integer, got '0'"),
    ({"max_trials": -1}, "key 'max_trials': argument --max-trials: expected a positive integer, got '-1'"),
    ({"steps_per_epoch": -1}, "key 'steps_per_epoch': argument --steps-per-epoch: expected a positive integer"),
    ({"batch_size": 0}, "key 'batch_size': argument --batch-size: expected a positive integer, got '0'"),
    ({"tuner": "grid"}, "key 'tuner': argument --tuner: invalid choice: 'grid'"),
    ({"budget": [4000]}, "key 'budget': argument --budget: expected a positive integer, got '[4000]'"),
    ({"task": "cifar100"}, "key 'task': argument task: invalid choice: 'cifar100'"),
    ({"handler": 1}, "unknown keys ['handler']"),
])
def test_every_job_specification_value_is_checked_as_its_flag_is(tmp_path, capsys, fields, message):
    spec = tmp_path / "job.json"
    spec.write_text(json.dumps({"task": "mnist", "budget": 8000, **fields}))
    assert main(["tune", "--spec", str(spec), "--directory", str(tmp_path)]) == 2
    assert message in capsys.readouterr().err
    assert not (tmp_path / "mnist_8000").exists()  # refused before any work


def test_a_trial_failing_outside_the_model_stops_the_job_and_is_retried(shared_data, tmp_path, capsys, monkeypatch):
    import errno

    from relax_keras.tuning.hypermodel import ReLaXHyperModel

    def full_disk(*args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device")

    with monkeypatch.context() as patch:
        patch.setattr(ReLaXHyperModel, "fit", full_disk)
        assert main(tune_argv(shared_data, tmp_path, 2)) == 2
    err = capsys.readouterr().err
    assert "error: Trial 0 failed for a cause outside the model (OSError: [Errno 28] No space left" in err
    assert "rerun the same command to retry it" in err
    assert {status for status, _ in trials(tmp_path).values()} == {"RUNNING"}  # not used up
    assert main(tune_argv(shared_data, tmp_path, 2)) == 0  # the cause fixed: the same trial trains
    assert sorted(status for status, _ in trials(tmp_path).values()) == ["COMPLETED", "COMPLETED"]
    assert (tmp_path / "job" / "best_model.keras").is_file()


@pytest.mark.slow
def test_hyperband_rounds_go_on_from_the_earlier_rounds_weights(shared_data, tmp_path):
    argv = tune_argv(shared_data, tmp_path, 1, ["--tuner", "hyperband"])
    argv[argv.index("--epochs") + 1] = "3"
    assert main(argv) == 0
    folders = sorted((tmp_path / "job").glob("trial_*"))
    values = [json.loads((folder / "trial.json").read_text())["hyperparameters"]["values"] for folder in folders]
    continued = [v for v in values if "tuner/trial_id" in v]
    assert continued and all(v["tuner/initial_epoch"] == 1 and v["tuner/epochs"] == 3 for v in continued)
    for folder, value in zip(folders, values):  # a continued round trains its remaining epochs only
        if "tuner/trial_id" in value:
            assert len(json.loads((folder / "record.json").read_text())["history"]["loss"]) == 2
    for folder in folders:  # every trial kept its best weights and its record
        record = json.loads((folder / "record.json").read_text())
        assert record["status"] == "ok" and (folder / "checkpoint.weights.h5").is_file()
        assert len(record["history"]["val_loss"]) >= 1
    assert (tmp_path / "job" / "best_model.keras").is_file()
