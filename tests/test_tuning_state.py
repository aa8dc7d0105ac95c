"""KerasTuner's state files are written whole by every tuner and oracle of the package:
this fails if KerasTuner stops writing its state through the one function
`relax_keras.tuning.atomic_state` replaces."""

import json
from unittest import mock

import keras_tuner
import pytest

from relax_keras.tuning.job import TUNERS
from relax_keras.tuning.study_oracle import StudyOracle
from relax_keras.tuning.study_tuner import StudyTuner


def build(hp):
    import keras

    hp.Choice("units", [2, 4])
    return keras.Sequential([keras.Input((3,)), keras.layers.Dense(1)])


@pytest.mark.parametrize("name", sorted(TUNERS))
def test_every_job_tuner_writes_its_state_whole(tmp_path, name):
    budget = {"max_epochs": 2} if name == "hyperband" else {"max_trials": 2}
    tuner = TUNERS[name](build, objective="val_loss", directory=str(tmp_path), project_name="job",
                         overwrite=False, **budget)
    assert isinstance(tuner, getattr(keras_tuner, TUNERS[name].__name__))
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
    tuner = StudyTuner(StudyOracle(["a"], [0.01], [0], higher_is_better=True), {}, 10, 1, "f",
                       directory=str(tmp_path), project_name="study")
    with mock.patch("relax_keras._files.os.replace", side_effect=KeyboardInterrupt):
        with pytest.raises(KeyboardInterrupt):
            tuner.save()
