"""Fault injection: `relax-keras train` killed at random moments loses nothing."""

import csv
import json
import os
import random
import signal
import subprocess
import sys
import time

import pytest

ENVIRONMENT = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3", "TF_NUM_INTRAOP_THREADS": "1"}


def train_command(shared_data, output):
    return [sys.executable, "-m", "relax_keras", "train", "mnist", "--local-dir", str(shared_data / "mnist"),
            "--units", "8", "--weight-sets", "2", "--repeats", "1", "--encoding", "flat", "--epochs", "8",
            "--steps-per-epoch", "20", "--validation-steps", "10", "--batch-size", "32", "--verbose", "0",
            "--output", str(output)]


@pytest.mark.slow
def test_training_killed_at_random_moments_loses_nothing(shared_data, tmp_path):
    run_dir = tmp_path / "run"
    command = train_command(shared_data, run_dir)
    start = time.perf_counter()
    subprocess.run(train_command(shared_data, tmp_path / "reference"), env=ENVIRONMENT, check=True,
                   capture_output=True)
    whole_run = time.perf_counter() - start
    rng = random.Random(0)
    # import, training, evaluation, save; earliest first, so that the resumed attempts,
    # each with less left to do, are still killed before they finish
    kills = sorted(rng.uniform(0.15, 0.7) * whole_run for _ in range(6))
    killed = 0
    for delay in kills:
        process = subprocess.Popen(command, env=ENVIRONMENT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        try:
            process.wait(timeout=delay)
        except subprocess.TimeoutExpired:
            process.send_signal(signal.SIGKILL)
            process.wait()
            killed += 1
        else:
            assert process.returncode in (0, 1), process.stderr.read()[-2000:]
        if (run_dir / "metrics.json").exists():
            break
    final = subprocess.run(command, env=ENVIRONMENT, capture_output=True, text=True)
    if (run_dir / "metrics.json").exists() and final.returncode:  # already finished: refused, untouched
        assert "holds a finished run" in final.stderr
    else:
        assert final.returncode == 0, final.stderr[-3000:]
    assert killed >= 3
    for name in ("model.keras", "metrics.json", "history.csv", "run_config.json"):
        assert (run_dir / name).is_file(), name
    with open(run_dir / "history.csv") as file:
        epochs = [int(row["epoch"]) for row in csv.DictReader(file)]
    assert epochs == list(range(8))  # no epoch lost, none twice
    # the same result as the uninterrupted run of the same seed
    metrics = json.loads((run_dir / "metrics.json").read_text())["metrics"]["validation"]
    reference = json.loads((tmp_path / "reference" / "metrics.json").read_text())["metrics"]["validation"]
    assert metrics["loss"] == pytest.approx(reference["loss"], abs=1e-4)
    assert metrics["accuracy"] == pytest.approx(reference["accuracy"], abs=1e-4)
    assert not list(tmp_path.glob("run.replaced-*"))


def test_a_full_disk_during_training_is_a_clear_error_and_the_rerun_finishes(shared_data, tmp_path):
    import resource

    command = train_command(shared_data, tmp_path / "run")
    command[command.index("--epochs") + 1] = "2"
    command[command.index("--steps-per-epoch") + 1] = "2"

    def small_file_limit():  # a disk that takes 16 KiB per file: the backups do not fit
        resource.setrlimit(resource.RLIMIT_FSIZE, (16 << 10, resource.RLIM_INFINITY))

    full = subprocess.run(command, env=ENVIRONMENT, capture_output=True, text=True, preexec_fn=small_file_limit)
    assert full.returncode == 2, full.stderr[-2000:]  # not 139, h5py's crash on a failed write
    assert "exceeds this process's file-size limit" in full.stderr and "Traceback" not in full.stderr
    assert not (tmp_path / "run" / "metrics.json").exists()
    rerun = subprocess.run(command, env=ENVIRONMENT, capture_output=True, text=True)
    assert rerun.returncode == 0, rerun.stderr[-2000:]
    with open(tmp_path / "run" / "history.csv") as file:
        assert [row["epoch"] for row in csv.DictReader(file)] == ["0", "1"]
