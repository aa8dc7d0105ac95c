import json
import math
import pathlib

import pytest

from relax_keras import data
from relax_keras import zoo
from relax_keras.cli import main
from relax_keras.zoo import pretrained

ROOT = pathlib.Path(__file__).resolve().parents[1]


def card_metrics(run):
    return json.loads((ROOT / "zoo" / "runs" / run / "metrics.json").read_text())


@pytest.mark.slow
def test_pretrained_mnist_reaches_its_card(shared_data):
    model = zoo.image_relax((28, 28, 1), weights="mnist")
    assert model.count_params() <= 100_000
    assert model.get_layer("relax_block").weight_sets >= 2
    validation = data.mnist("validation", encoding="image", batch_size=1000, local_dir=shared_data / "mnist")
    accuracy = model.evaluate(validation, verbose=0, return_dict=True)["accuracy"]
    card = card_metrics("image_relax_mnist/selection/relu_aug0.1_epochs100")
    assert accuracy >= 0.986
    assert accuracy == pytest.approx(card["metrics"]["validation"]["accuracy"], abs=1e-4)
    assert model.count_params() == card["params"]


@pytest.mark.slow
def test_pretrained_shakespeare_reaches_its_card_from_the_command_line(capsys):
    assert main(["evaluate", "shakespeare", "--sample-length", "40"]) == 0
    out = capsys.readouterr().out
    results = json.loads(out[: out.index("}") + 1])
    recorded = (ROOT / "zoo" / "runs" / "shakespeare_relax_tiny_shakespeare" / "evaluate.txt").read_text()
    card = json.loads(recorded[: recorded.index("}") + 1])
    assert results["params"] == card["params"] <= 250_000
    assert results["loss"] <= 1.57
    assert results["loss"] == pytest.approx(card["loss"], abs=1e-4)
    assert results["bits_per_char"] == pytest.approx(results["loss"] / math.log(2))
    assert "bits/char" in out and "ROMEO:" in out


def test_damaged_weights_fail_the_checksum(monkeypatch):
    record = pretrained.PRETRAINED["relax_2x2_mnist_flat"]
    entry = {**record, "weights": {**record["weights"], "sha256": "0" * 64}}
    monkeypatch.setitem(pretrained.PRETRAINED, "relax_2x2_mnist_flat", entry)
    with pytest.raises(ValueError, match="are damaged: sha256 .* expected 0000"):
        zoo.image_relax((28, 28, 1), weights="mnist")


@pytest.mark.parametrize(
    "build, message",
    [
        (lambda: zoo.image_relax((28, 28, 1), units=64, weights="mnist"), "trained with units=100, got units=64"),
        (lambda: zoo.image_relax((28, 28, 1), param_budget=50_000, weights="mnist"), "trained with param_budget=None, got param_budget=50000"),
        (lambda: zoo.image_relax((32, 32, 3), weights="mnist"), "do not fit the architecture"),
        (lambda: zoo.shakespeare_relax(weights="mnist"), "`weights`, expected None, a path to a .weights.h5 file, or one of"),
    ],
)
def test_pretrained_weights_fix_the_architecture(build, message):
    with pytest.raises(ValueError, match=message):
        build()


def test_a_pretrained_preset_builds_its_model_with_its_weights():
    import numpy as np

    from_preset = zoo.from_preset("mnist")
    from_constructor = zoo.image_relax((28, 28, 1), weights="mnist")
    assert from_preset.count_params() == zoo.PRESETS["relax_2x2_mnist_flat"]["params"]
    for a, b in zip(from_preset.get_weights(), from_constructor.get_weights()):
        np.testing.assert_array_equal(a, b)


def test_a_preset_of_another_task_is_refused():
    with pytest.raises(ValueError, match="'mnist_flat_relax' is not a shakespeare preset; choose one of"):
        zoo.from_preset("mnist_flat_relax", task="shakespeare")
