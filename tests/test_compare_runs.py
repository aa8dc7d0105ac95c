"""The zoo's run comparisons (`zoo/compare_runs.py`) on made-up run folders."""

import json
import math

import pytest

BASE = {"task": "shakespeare", "weight_sets": 2, "repeats": 2, "dropout": 0.0, "weight_decay": None,
        "epochs": 30, "seed": 0, "output": "runs/x", "local_dir": "data"}


def write_run(folder, name, nanogpt, validation=1.5, **settings):
    run = folder / name
    run.mkdir(parents=True)
    metrics = {"task": "shakespeare", "params": 248_988, "train_seconds": 1800.0,
               "metrics": {"validation": {"loss": validation}}, "settings": {**BASE, **settings, "output": str(run)}}
    (run / "metrics.json").write_text(json.dumps(metrics))
    (run / "nanogpt_validation.txt").write_text(
        json.dumps({"split": "nanogpt_validation", "loss": nanogpt}, indent=2) + "\nnanogpt_validation loss: ...\n")


@pytest.fixture
def compare_runs(repository_script):
    return repository_script("zoo/compare_runs.py")


def test_the_screen_prefers_the_simpler_recipe_within_the_tolerance(compare_runs, tmp_path):
    write_run(tmp_path, "base_s0", 1.4323)
    write_run(tmp_path, "wd0.1_s0", 1.4200, weight_decay=0.1)
    write_run(tmp_path, "both_s0", 1.4170, weight_decay=0.1, dropout=0.1, epochs=40)
    scored = compare_runs.read_scored(tmp_path, ["*_s0"], compare_runs.NANOGPT)
    lines, chosen = compare_runs.screen(scored, "base_s0", 0.005)
    assert chosen == "wd0.1_s0"  # 0.003 behind the best with one change instead of three
    assert lines[2].startswith("| both_s0 | dropout=0.1, epochs=40, weight_decay=0.1 | 248,988 | 1.4170 |")
    assert "| base_s0 | none |" in "\n".join(lines)
    assert compare_runs.screen(scored, "base_s0", 0.001)[1] == "both_s0"


def test_the_chosen_recipe_against_both_ends_on_paired_seeds(compare_runs, tmp_path):
    for seed, (chosen, rnn, dnn) in enumerate([(1.42, 1.50, 1.44), (1.43, 1.52, 1.44)]):
        write_run(tmp_path, f"pick_s{seed}", chosen, seed=seed)
        write_run(tmp_path, f"rnn_end_s{seed}", rnn, seed=seed, weight_sets=1, repeats=4)
        write_run(tmp_path, f"dnn_end_s{seed}", dnn, seed=seed, weight_sets=4, repeats=1)
    write_run(tmp_path, "other_s0", 1.0)  # a screening run, left out by the patterns
    runs, task = compare_runs.read_runs(tmp_path, ["pick_s*", "rnn_end_s*", "dnn_end_s*"], compare_runs.NANOGPT)
    assert runs[(2, 2)] == {0: 1.42, 1: 1.43}
    lines = compare_runs.table(runs, task, (2, 2))
    assert lines[2].startswith("| (1, 4) | 1.5000, 1.5200 | 1.5100 ± ") and "| 0.0850 ± " in lines[2]
    # by hand: t with one degree of freedom is Cauchy, p = 1 - 2 atan(|t|) / pi; the RNN
    # end's differences 0.08, 0.09 give t = 17 (p 0.0374, times 2 by Holm), the DNN
    # end's 0.02, 0.01 give t = 3 (p 0.2048, the larger, kept)
    assert lines[0].endswith("| p (paired t, Holm over 2) |")
    assert lines[2].endswith(f"| {2 * (1 - 2 * math.atan(17) / math.pi):.3f} |") and lines[2].endswith("| 0.075 |")
    assert lines[4].endswith(f"| {1 - 2 * math.atan(3) / math.pi:.3f} |") and lines[3].endswith("|  |")


def test_one_of_chosen_or_screen_is_required(compare_runs, tmp_path, capsys):
    with pytest.raises(SystemExit):
        compare_runs.main([str(tmp_path)])
    assert "give one of --chosen L_W L_T or --screen BASE, got --chosen None and --screen None" in capsys.readouterr().err
