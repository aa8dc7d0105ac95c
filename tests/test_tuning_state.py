"""KerasTuner's state files are written whole by every tuner and oracle of the package:
this fails if KerasTuner stops writing its state through the one function
`relax_keras.tuning.atomic_state` replaces."""

import json
from unittest import mock

import keras_tuner
import pytest

from relax_keras.tuning.engine import ReLaXTuner
from relax_keras.tuning.job import ORACLES
from relax_keras.tuning.study_grid import Point
from relax_keras.tuning.study_hypermodel import StudyHyperModel
from relax_keras.tuning.study_oracle import StudyOracle

POINT = Point("mnist", "flat", 8000, "relax", 1, 1)


def build(hp):
    import keras

    hp.Choice("units", [2, 4])
    return keras.Sequential([keras.Input((3,)), keras.layers.Dense(1)])


@pytest.mark.parametrize("name", sorted(ORACLES))
def test_every_job_tuner_writes_its_state_whole(tmp_path, name):
    budget = {"max_epochs": 2} if name == "hyperband" else {"max_trials": 2}
    oracle = ORACLES[name](objective="val_loss", **budget)
    tuner = ReLaXTuner(oracle, build, directory=str(tmp_path), project_name="job", overwrite=False)
    assert isinstance(tuner.oracle, keras_tuner.Oracle)
    tuner.save()
    files = sorted((tmp_path / "job").glob("*.json"))
    saved = {path: path.read_text() for path in files}
    assert {path.name for path in files} >= {"oracle.json"}
    with mock.patch("relax_keras._files.os.replace", side_effect=KeyboardInterrupt):  # killed before the rename
        with pytest.raises(KeyboardInterrupt):
            tuner.save()
    assert {path: path.read_text() for path in files} == saved
    tuner.save()
    assert json.loads((tmp_path / "job" / "oracle.json").read_text())


def test_the_study_tuner_writes_its_state_whole(tmp_path):
    tuner = ReLaXTuner(StudyOracle([POINT.key], [0.01], [0], higher_is_better=True),
                       StudyHyperModel({POINT.key: POINT}, 10, 1, "f"),
                       directory=str(tmp_path), project_name="study")
    with mock.patch("relax_keras._files.os.replace", side_effect=KeyboardInterrupt):
        with pytest.raises(KeyboardInterrupt):
            tuner.save()
