import csv
import json
import os

import keras
import pytest

from relax_keras.cli import main


@pytest.fixture
def mnist_train_args(shared_data, tmp_path):
    return [
        "train", "mnist", "--local-dir", str(shared_data / "mnist"), "--units", "8",
        "--weight-sets", "2", "--repeats", "1", "--encoding", "flat", "--epochs", "3",
        "--steps-per-epoch", "2", "--validation-steps", "4", "--batch-size", "32", "--verbose", "0",
        "--output", str(tmp_path / "run"),
    ]


def history_rows(run_dir):
    with open(run_dir / "history.csv") as file:
        return list(csv.DictReader(file))


def epochs_logged(run_dir):
    return [int(row["epoch"]) for row in history_rows(run_dir)]


def test_train_writes_the_run_and_refuses_to_overwrite_it(mnist_train_args, tmp_path, capsys, recwarn):
    run_dir = tmp_path / "run"
    assert main(mnist_train_args) == 0
    assert not [str(w.message) for w in recwarn if "shuffle" in str(w.message)]
    for name in ("model.keras", "metrics.json", "history.csv", "learning_curve.png", "run_config.json"):
        assert (run_dir / name).is_file(), name
    assert any((run_dir / "logs").rglob("events.out.tfevents.*"))
    metrics = json.loads((run_dir / "metrics.json").read_text())
    assert metrics["params"] == 784 * 8 + 8 + 2 * (64 + 8) + 90
    assert set(metrics["provenance"]) >= {"commit", "cpu", "relax_keras", "tensorflow", "keras"}
    assert 0.0 <= metrics["metrics"]["validation"]["accuracy"] <= 1.0
    # each epoch scored 4 validation batches (--validation-steps); metrics.json, the whole split
    last_epoch = float(history_rows(run_dir)[-1]["val_loss"])
    assert metrics["metrics"]["validation"]["loss"] != pytest.approx(last_epoch, abs=1e-4)
    before = (run_dir / "model.keras").read_bytes()
    with pytest.raises(SystemExit, match="holds a finished run; pass --overwrite"):
        main(mnist_train_args)
    assert (run_dir / "model.keras").read_bytes() == before
    assert main(mnist_train_args + ["--overwrite"]) == 0
    assert not (run_dir / ".lock").exists()  # a finished run leaves no lock file


def test_weight_decay_trains_with_adamw_and_a_cosine_schedule(mnist_train_args, tmp_path):
    assert main(mnist_train_args + ["--weight-decay", "0.05", "--cosine-decay", "--learning-rate", "0.01"]) == 0
    optimizer = keras.saving.load_model(tmp_path / "run" / "model.keras").optimizer
    assert isinstance(optimizer, keras.optimizers.AdamW) and optimizer.weight_decay == pytest.approx(0.05)
    assert optimizer.clipnorm == 1.0 and float(optimizer.learning_rate) == pytest.approx(0.0, abs=1e-9)  # decayed
    config = json.loads((tmp_path / "run" / "run_config.json").read_text())
    assert config["weight_decay"] == 0.05


def train_interrupted(args, epochs, monkeypatch):
    """Runs `relax-keras train args`, interrupted (Ctrl-C) after `epochs` epochs."""
    original = keras.callbacks.TensorBoard.on_epoch_end

    def interrupt(self, epoch, logs=None):
        original(self, epoch, logs)
        if epoch == epochs - 1:
            raise KeyboardInterrupt

    with monkeypatch.context() as patch:
        patch.setattr(keras.callbacks.TensorBoard, "on_epoch_end", interrupt)
        with pytest.raises(KeyboardInterrupt):
            main(args)


def test_interrupted_training_resumes_from_its_last_epoch(mnist_train_args, tmp_path, monkeypatch):
    run_dir = tmp_path / "run"
    train_interrupted(mnist_train_args, 2, monkeypatch)
    assert epochs_logged(run_dir) == [0, 1]
    assert not (run_dir / "metrics.json").exists()
    changed = [a if a != "8" else "9" for a in mnist_train_args]
    with pytest.raises(SystemExit, match=r"interrupted run with other settings \(units\)"):
        main(changed)
    # a run recorded before an option existed resumes: the option had its default, None
    record = json.loads((run_dir / "run_config.json").read_text())
    del record["validation_steps"]
    (run_dir / "run_config.json").write_text(json.dumps(record))
    assert main([a for a in mnist_train_args if a not in ("--validation-steps", "4")]) == 0
    assert epochs_logged(run_dir) == [0, 1, 2]
    assert (run_dir / "metrics.json").exists()


def losses_logged(run_dir):
    return [(row["loss"], row["val_loss"]) for row in history_rows(run_dir)]


def test_a_resumed_noisy_run_draws_the_noise_of_the_uninterrupted_one(mnist_train_args, tmp_path, monkeypatch):
    noisy = mnist_train_args + ["--node-noise", "0.05"]
    uninterrupted = [a if a != str(tmp_path / "run") else str(tmp_path / "whole") for a in noisy]
    assert main(uninterrupted) == 0
    train_interrupted(noisy, 1, monkeypatch)
    assert main(noisy) == 0
    assert losses_logged(tmp_path / "run") == losses_logged(tmp_path / "whole")  # to every digit


def test_info_shows_parts_schedule_and_depth(capsys):
    assert main(["info", "mnist", "--units", "16", "--weight-sets", "3", "--repeats", "2", "--schedule", "cyclic"]) == 0
    out = capsys.readouterr().out
    assert "effective depth D=6" in out
    assert "switch positions over one period: [0, 1, 2, 0, 1, 2]" in out
    assert "total" in out and f"{28 * 16 + 3 * (16 * 16 + 16) + 170:,}" in out


def test_info_lists_every_configuration_that_fits_a_budget(capsys):
    from relax_keras.tuning import measured

    assert main(["info", "mnist", "--encoding", "rows", "--param-budget", "30000", "--depth", "4"]) == 0
    lines = capsys.readouterr().out.splitlines()
    rows = [line.split() for line in lines[2:]]
    assert [(int(row[0]), int(row[1])) for row in rows] == [(1, 4), (2, 2), (4, 1)]
    assert all(int(row[3].replace(",", "")) <= 30000 for row in rows)
    assert [int(row[2]) for row in rows] == sorted((int(row[2]) for row in rows), reverse=True)
    study = measured.read("mnist", "rows", 30000)
    assert " ".join(rows[1][5:9]) == (f"{float(study[(2, 2)]['mean']):.4g} ± "
                                      f"{float(study[(2, 2)]['half_width']):.2g} ({study[(2, 2)]['seeds']})")


def test_info_names_the_model_class_and_help_shows_each_default_once(capsys):
    assert main(["info", "mnist", "--units", "8"]) == 0
    assert "model: image_relax (ReLaXImageClassifier)" in capsys.readouterr().out
    with pytest.raises(SystemExit):
        main(["tune", "--help"])
    text = " ".join(capsys.readouterr().out.split())
    assert "(default: None)" not in text
    assert "--steps-per-epoch STEPS_PER_EPOCH batches per epoch (default: the whole training split) --validation-steps" in text
    assert "--max-trials MAX_TRIALS trials of a random or bayesian search (a rerun may raise it) (default: 10)" in text


def test_explicit_schedule_on_the_command_line(capsys):
    assert main(["info", "shakespeare", "--units", "8", "--weight-sets", "2", "--repeats", "2", "--schedule", "1,0,0,1"]) == 0
    assert "switch positions over one period: [1, 0, 0, 1]" in capsys.readouterr().out


@pytest.mark.parametrize(
    "argv, message",
    [
        (["info", "mnist", "--preset", "shakespeare_relax"], "is not a mnist preset"),
        (["info", "mnist", "--units", "8", "--schedule", "0,1,2"], "schedule"),
        (["info", "shakespeare", "--units", "8", "--param-budget", "9000"], "`units` or `param_budget`, not both"),
        (["generate", "--units", "8", "--prompt", "hello~"], "outside the vocabulary: ['~']"),
        (["info", "mnist", "--units", "8", "--depth", "4"], "--depth lists configurations"),
        (["info", "mnist", "--param-budget", "10", "--depth", "2"], "10 parameters are too few for any ReLaX-Net of mnist (rows) at depths [2]"),
        (["info", "mnist", "--embedding-dim", "4", "--dropout", "0.1"], "Not options of task 'mnist': --dropout, --embedding-dim"),
        (["info", "shakespeare", "--encoding", "flat"], "Not options of task 'shakespeare': --encoding"),
        (["train", "shakespeare", "--augmentation", "0.1", "--output", "never_written"], "Not options of task 'shakespeare': --augmentation"),
    ],
)
def test_bad_input_exits_with_a_clear_error(argv, message, capsys):
    assert main(argv) == 2
    assert message in capsys.readouterr().err


@pytest.mark.parametrize(
    "argv, message",
    [
        (["info", "mnist", "--units", "0"], "argument --units: expected a positive integer, got '0'"),
        (["info", "mnist", "--units", "8", "--schedule", "a,b"], "argument --schedule: expected blocked, cyclic or weight-set indices"),
        (["generate", "--units", "8", "--temperature", "inf"], "argument --temperature: expected a finite number >= 0, got 'inf'"),
        (["generate", "--units", "8", "--temperature", "nan"], "argument --temperature: expected a finite number >= 0, got 'nan'"),
    ],
)
def test_bad_option_values_are_refused_by_the_parser(argv, message, capsys):
    with pytest.raises(SystemExit):
        main(argv)
    assert message in capsys.readouterr().err


@pytest.mark.slow
def test_svhn_recipe_runs_end_to_end_on_official_layout_files(tmp_path, capsys):
    from scipy import io
    import numpy as np

    rng = np.random.default_rng(0)
    for name, count in (("train", 7_326 + 64), ("test", 32)):
        io.savemat(tmp_path / f"{name}_32x32.mat", {
            "X": rng.integers(0, 256, (32, 32, 3, count), dtype=np.uint8),
            "y": rng.integers(1, 11, (count, 1)).astype(np.uint8),
        })
    run_dir = tmp_path / "run"
    argv = ["train", "svhn", "--preset", "svhn_rows_relax", "--param-budget", "20000",
            "--local-dir", str(tmp_path), "--source", "local", "--epochs", "1",
            "--batch-size", "32", "--verbose", "0", "--output", str(run_dir)]
    assert main(argv) == 0
    metrics = json.loads((run_dir / "metrics.json").read_text())
    assert metrics["params"] <= 20_000
    assert set(metrics["metrics"]) == {"validation"}  # the test split only when asked
    assert main(["evaluate", "svhn", "--model", str(run_dir / "model.keras"), "--local-dir", str(tmp_path)]) == 0
    assert '"split": "test"' in capsys.readouterr().out


@pytest.mark.parametrize("steps_per_epoch, repeats", [(None, False), (5, True)])
def test_training_split_repeats_only_for_epochs_of_fixed_steps(steps_per_epoch, repeats):
    import argparse

    import tensorflow as tf

    from relax_keras.cli.tasks import dataset

    args = argparse.Namespace(task="shakespeare", source="bundled", local_dir=None, data_dir=None,
                              seq_len=100, batch_size=64, seed=0, steps_per_epoch=steps_per_epoch)
    infinite = dataset(args, "train").cardinality() == tf.data.INFINITE_CARDINALITY
    assert bool(infinite) == repeats
    assert dataset(args, "validation").cardinality() > 0


def test_test_split_is_scored_only_when_asked(mnist_train_args, tmp_path, monkeypatch, capsys):
    from relax_keras.cli import training as train

    splits = []
    real_dataset = train.dataset
    monkeypatch.setattr(train, "dataset", lambda args, split, **kw: splits.append(split) or real_dataset(args, split, **kw))
    assert main(mnist_train_args) == 0
    assert "test" not in splits
    metrics = json.loads((tmp_path / "run" / "metrics.json").read_text())
    assert set(metrics["metrics"]) == {"validation"}
    # MNIST's test files are not in ../shared/data: asking for the test split says so,
    # before any work (the finished run is not moved aside)
    assert main(mnist_train_args + ["--overwrite", "--score-test"]) == 2
    assert "t10k" in capsys.readouterr().err
    assert not list(tmp_path.glob("run.replaced-*"))


def test_overwrite_moves_the_old_run_aside(mnist_train_args, tmp_path):
    assert main(mnist_train_args) == 0
    first = (tmp_path / "run" / "model.keras").read_bytes()
    assert main(mnist_train_args + ["--overwrite"]) == 0
    aside = list(tmp_path.glob("run.replaced-*"))
    assert len(aside) == 1 and (aside[0] / "model.keras").read_bytes() == first


@pytest.mark.parametrize("contents", ["notes.txt", "subdir"])
def test_overwrite_never_touches_a_directory_that_is_not_a_run(mnist_train_args, tmp_path, contents):
    target = tmp_path / "run"
    target.mkdir()
    (target / contents).mkdir() if contents == "subdir" else (target / contents).write_text("mine")
    with pytest.raises(SystemExit, match="is not empty and is not a relax-keras run"):
        main(mnist_train_args + ["--overwrite"])
    assert sorted(p.name for p in target.iterdir()) == [contents]
    assert not list(tmp_path.glob("run.replaced-*"))


def test_output_naming_a_file_is_refused(mnist_train_args, tmp_path):
    (tmp_path / "run").write_text("mine")
    with pytest.raises(SystemExit, match="is a file; give a directory"):
        main(mnist_train_args)
    assert (tmp_path / "run").read_text() == "mine"


@pytest.mark.parametrize("flag, value", [("--epochs", "0"), ("--epochs", "-1"), ("--learning-rate", "nan"),
                                         ("--learning-rate", "-1"), ("--steps-per-epoch", "0"),
                                         ("--weight-bits", "0"), ("--batch-size", "0"),
                                         ("--node-noise", "nan"), ("--node-noise", "inf"),
                                         ("--node-noise-multiplicative", "-0.1"), ("--programming-noise", "nan"),
                                         ("--weight-limit", "nan"), ("--weight-limit", "0"),
                                         ("--augmentation", "-0.3"), ("--dropout", "1"),
                                         ("--steps-per-input", "0"), ("--units", "-1"), ("--verbose", "7")])
def test_rejected_numbers_write_nothing(mnist_train_args, tmp_path, capsys, flag, value):
    with pytest.raises(SystemExit):
        main(mnist_train_args + [flag, value])
    assert f"argument {flag}: expected a" in capsys.readouterr().err
    assert not (tmp_path / "run").exists()


def test_a_loss_that_becomes_nan_stops_training_and_the_run_stays_unfinished(mnist_train_args, tmp_path, capsys):
    run_dir = tmp_path / "run"
    assert main(mnist_train_args + ["--learning-rate", "1e38"]) == 2  # weights overflow float32
    assert "error: Training stopped: the loss became" in capsys.readouterr().err
    assert not (run_dir / "model.keras").exists() and not (run_dir / "metrics.json").exists()
    assert not list((run_dir / "backup").glob("*.weights.h5")), "a diverged epoch was kept for resuming"


WITHOUT_EXTRAS = """
import sys
sys.modules["matplotlib"] = sys.modules["tensorboard"] = None  # as on a core install
from relax_keras.cli import main
sys.exit(main({argv!r}))
"""


def test_train_runs_on_a_core_install_without_tensorboard_or_matplotlib(mnist_train_args, tmp_path):
    import subprocess
    import sys

    result = subprocess.run([sys.executable, "-c", WITHOUT_EXTRAS.format(argv=mnist_train_args)],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr[-3000:]
    assert "Skipping TensorBoard logs and the learning-curve figure: tensorboard, matplotlib not installed" in result.stdout
    run_dir = tmp_path / "run"
    assert (run_dir / "model.keras").is_file() and (run_dir / "metrics.json").is_file()
    assert not (run_dir / "learning_curve.png").exists() and not (run_dir / "logs").exists()


def test_a_model_error_is_reported_before_anything_is_written(mnist_train_args, tmp_path, capsys):
    assert main(mnist_train_args + ["--schedule", "0,1,2"]) == 2
    assert "schedule" in capsys.readouterr().err
    assert not (tmp_path / "run").exists()


def test_a_second_process_on_the_same_run_is_refused(mnist_train_args, tmp_path):
    from relax_keras.cli.run_directory import RunDirectory

    holder = RunDirectory(tmp_path / "run")
    holder.open({"task": "mnist"}, overwrite=False)
    try:
        with pytest.raises(SystemExit, match=rf"is in use by process {os.getpid()}"):
            main(mnist_train_args)
    finally:
        holder.close()


def test_an_interrupt_after_training_keeps_the_trained_model(mnist_train_args, tmp_path, monkeypatch):
    from relax_keras.cli import training as train

    def interrupted(*args):
        raise KeyboardInterrupt

    monkeypatch.setattr(train, "finish", interrupted)
    with pytest.raises(KeyboardInterrupt):
        main(mnist_train_args)
    trained = (tmp_path / "run" / "model.keras").read_bytes()
    monkeypatch.undo()
    fits = []
    monkeypatch.setattr(train, "fit", lambda *args: fits.append(args))
    assert main(mnist_train_args) == 0
    assert not fits  # evaluated, not retrained
    assert (tmp_path / "run" / "model.keras").read_bytes() == trained
    assert epochs_logged(tmp_path / "run") == [0, 1, 2]


@pytest.mark.parametrize("length, message", [("0", "expected a positive integer"),
                                             ("1000000000", "expected at most 100,000 characters")])
def test_generate_refuses_lengths_it_cannot_serve(capsys, length, message):
    with pytest.raises(SystemExit):
        main(["generate", "--length", length])
    assert message in capsys.readouterr().err


def test_version(capsys):
    from relax_keras import __version__

    with pytest.raises(SystemExit):
        main(["--version"])
    assert capsys.readouterr().out.strip() == f"relax-keras {__version__}"


def test_help_is_fast_and_imports_no_tensorflow():
    import subprocess
    import sys
    import time

    script = ("import sys; from relax_keras.cli import build_parser; build_parser(); "
              "print(sorted(m for m in sys.modules if m.split('.')[0] in ('tensorflow', 'keras', 'tensorflow_datasets')))")
    start = time.perf_counter()
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"
    assert time.perf_counter() - start < 5  # the process, with Python's start; the parser itself is far below 1 s


def test_tensorflow_start_up_logs_are_hidden(tmp_path):
    import subprocess
    import sys

    env = {k: v for k, v in os.environ.items() if k != "TF_CPP_MIN_LOG_LEVEL"}
    result = subprocess.run([sys.executable, "-m", "relax_keras", "info", "mnist", "--units", "8"],
                            capture_output=True, text=True, env=env, check=True)
    assert "block relax_block" in result.stdout
    assert "oneDNN" not in result.stderr and "cuda" not in result.stderr.lower()


def test_overwrite_of_the_working_directory_is_refused(mnist_train_args, tmp_path, monkeypatch):
    work = tmp_path / "work"
    work.mkdir()
    (work / "notes.txt").write_text("mine")
    monkeypatch.chdir(work)
    argv = mnist_train_args[:mnist_train_args.index("--output")] + ["--output", ".", "--overwrite"]
    with pytest.raises(SystemExit, match="is not empty and is not a relax-keras run"):
        main(argv)
    assert (work / "notes.txt").read_text() == "mine"


def test_every_option_of_every_command_has_help_and_shows_its_default(capsys):
    from relax_keras.cli import build_parser

    commands = build_parser()._subparsers._group_actions[0].choices
    for name, parser in commands.items():
        undocumented = [a.option_strings or a.dest for a in parser._actions if a.help is None]
        assert not undocumented, (name, undocumented)
    with pytest.raises(SystemExit):
        main(["train", "--help"])
    assert "epochs to train (default: 10)" in " ".join(capsys.readouterr().out.split())


def test_cifar10_trains_from_the_command_line_on_official_layout_files(tmp_path, capsys):
    import numpy as np

    from tests.test_data import write_cifar_batches

    write_cifar_batches(tmp_path, 1_010, np.random.default_rng(0))
    run_dir = tmp_path / "run"
    argv = ["train", "cifar10", "--local-dir", str(tmp_path), "--units", "8", "--encoding", "flat",
            "--weight-sets", "2", "--repeats", "1", "--epochs", "1", "--steps-per-epoch", "2",
            "--batch-size", "16", "--verbose", "0", "--output", str(run_dir)]
    assert main(argv) == 0
    metrics = json.loads((run_dir / "metrics.json").read_text())
    assert metrics["params"] == 3072 * 8 + 8 + 2 * (64 + 8) + 90


def test_evaluate_mnist_without_a_model_scores_the_shipped_weights(shared_data, capsys):
    assert main(["evaluate", "mnist", "--split", "validation", "--local-dir", str(shared_data / "mnist")]) == 0
    captured = capsys.readouterr()
    assert "Using the shipped weights 'relax_2x2_mnist_flat'" in captured.err
    results = json.loads(captured.out[: captured.out.index("}") + 1])
    assert results["params"] == 99_710 and results["accuracy"] > 0.98


@pytest.mark.parametrize(
    "argv, message",
    [
        (["evaluate", "svhn"], "svhn has no shipped weights: pass --model"),
        (["evaluate", "mnist", "--model", "m.keras", "--units", "999"], "--model fixes the model; the options ['units']"),
        (["evaluate", "shakespeare", "--split", "validation+nanogpt"],
         "`split`, expected one of ['train', 'validation', 'test'] (or several joined by '+') or of "
         "['nanogpt', 'nanogpt_validation', 'nanogpt_test'], got 'validation+nanogpt'"),
    ],
)
def test_evaluate_refuses_what_it_cannot_score(argv, message, capsys):
    assert main(argv) == 2
    assert message in capsys.readouterr().err


@pytest.mark.parametrize("columns", [["loss", "val_loss"], ["accuracy", "loss", "val_accuracy", "val_loss"]])
def test_the_learning_curve_draws_every_history(tmp_path, columns):
    pytest.importorskip("matplotlib", reason="the learning curve needs the plots extra")
    from relax_keras.cli.training import plot_learning_curve

    history = tmp_path / "history.csv"
    with open(history, "w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["epoch", *columns])
        writer.writerows([[epoch, *[1.0 / (epoch + 1)] * len(columns)] for epoch in range(3)])
    plot_learning_curve(history, tmp_path / "curve.png", "cross-entropy")
    assert (tmp_path / "curve.png").read_bytes().startswith(b"\x89PNG")
