"""Damaged or foreign files the package reads give one clear error naming the file."""

import json
import zipfile

import keras
import numpy as np
import pytest

import relax_keras
from relax_keras.cli import main


@pytest.fixture(scope="module")
def saved_model(tmp_path_factory):
    path = tmp_path_factory.mktemp("model") / "model.keras"
    inputs = keras.Input((3, 2))
    model = keras.Model(inputs, relax_keras.ReLaXBlock(4, weight_sets=2, repeats=1)(inputs))
    model.save(path)
    return path


def damaged_copies(saved):
    data = saved.read_bytes()
    flipped = bytearray(data)
    for offset in range(len(data) // 3, len(data) // 3 + 64):
        flipped[offset] ^= 0xFF
    return {
        "empty": b"",
        "truncated": data[: len(data) // 2],
        "bit_flipped": bytes(flipped),
    }


@pytest.mark.parametrize("damage", ["empty", "truncated", "bit_flipped"])
def test_a_damaged_keras_file_is_one_clear_error(damage, saved_model, tmp_path):
    path = tmp_path / "model.keras"
    path.write_bytes(damaged_copies(saved_model)[damage])
    with pytest.raises(ValueError, match=f"The model file {path}"):
        relax_keras.load_model(path)


def test_a_keras_file_of_another_package_names_the_file(saved_model, tmp_path):
    path = tmp_path / "foreign.keras"
    with zipfile.ZipFile(saved_model) as source, zipfile.ZipFile(path, "w") as target:
        for item in source.infolist():
            content = source.read(item)
            if item.filename == "config.json":
                config = json.loads(content)
                config["config"]["layers"][1]["module"] = "other_package.layers"
                config["config"]["layers"][1]["registered_name"] = "other_package>Mystery"
                config["config"]["layers"][1]["class_name"] = "Mystery"
                content = json.dumps(config).encode()
            target.writestr(item, content)
    with pytest.raises(ValueError, match=f"The model file {path} could not be loaded"):
        relax_keras.load_model(path)


def test_a_missing_model_file_is_named(tmp_path):
    with pytest.raises(ValueError, match="no file at"):
        relax_keras.load_model(tmp_path / "none.keras")


def test_an_intact_file_still_loads(saved_model):
    x = np.ones((1, 3, 2), "float32")
    assert relax_keras.load_model(saved_model)(x).shape == (1, 4)


@pytest.mark.parametrize("content", ["[1, 2]", "{not json", "\udcff"])
def test_a_damaged_run_marker_is_named(content, tmp_path, capsys):
    run = tmp_path / "run"
    run.mkdir()
    (run / "run_config.json").write_bytes(content.encode("utf-8", "surrogateescape"))
    code = main(["train", "mnist", "--units", "4", "--output", str(run)])
    assert code == 2
    error = capsys.readouterr().err
    assert f"The file {run / 'run_config.json'} is damaged" in error and "Traceback" not in error
