import json
import subprocess
import sys

import numpy as np
import pytest

import keras
from relax_keras import ReLaXBlock
from relax_keras import zoo
from relax_keras.hardware import export
from relax_keras.hardware import load
from relax_keras.hardware import simulate

SCHEDULES = ["blocked", "cyclic", [2, 0, 1, 1, 0, 2]]


def trained_like(model):
    """Gives the biases non-zero values, as training would."""
    rng = np.random.default_rng(0)
    for weight in model.weights:
        if "bias" in weight.path:
            weight.assign(rng.normal(0, 0.3, weight.shape).astype("float32"))
    return model


@pytest.mark.parametrize("schedule", SCHEDULES)
@pytest.mark.parametrize("encoding, injection", [("rows", "every"), ("rows", "first"), ("flat", "every"), ("flat", "first")])
def test_image_model_export_simulates_exactly(tmp_path, schedule, encoding, injection):
    model = trained_like(zoo.image_relax(
        (12, 10, 1), classes=5, encoding=encoding, weight_sets=3, repeats=2, schedule=schedule,
        units=9, input_injection=injection, steps_per_input=None if encoding == "rows" else None,
    ))
    images = np.random.default_rng(1).random((4, 12, 10, 1)).astype("float32")
    spec = load(export(model, tmp_path / "image"))
    np.testing.assert_allclose(simulate(spec, images), model.predict_on_batch(images), atol=1e-5)


@pytest.mark.parametrize("schedule", SCHEDULES)
@pytest.mark.parametrize("activation", ["tanh", "sin2", "saturable_absorber"])
def test_character_model_export_simulates_exactly(tmp_path, schedule, activation):
    model = trained_like(zoo.shakespeare_relax(
        weight_sets=3, repeats=2, schedule=schedule, units=10, embedding_dim=6,
        activation=activation, steps_per_input=2,
    ))
    ids = np.random.default_rng(2).integers(0, 65, (3, 17)).astype("int32")
    spec = load(export(model, tmp_path / "text.json"))
    assert spec["stages"][0]["vocabulary"] == zoo.model_vocabulary(model).symbols
    np.testing.assert_allclose(simulate(spec, ids), model.predict_on_batch(ids), atol=1e-5)


def test_report_counts_switches_programming_and_macs(tmp_path):
    inputs = keras.Input((5, 4))
    block = ReLaXBlock(3, weight_sets=2, repeats=2, schedule="cyclic")
    model = keras.Model(inputs, block(inputs))
    spec = load(export(model, tmp_path / "block"))
    _, report = simulate(spec, np.ones((1, 5, 4), "float32"), report=True)
    # cyclic, 5 steps: sets 0 1 0 1 0
    assert report["switched_steps"] == 5
    assert report["switch_events"] == 4
    assert report["programming_events"] == 2
    assert report["macs_per_weight_set"] == [3 * 9, 2 * 9]
    assert report["input_macs"] == 5 * 4 * 3


def test_schedule_is_written_as_switch_positions(tmp_path):
    model = zoo.image_relax((6, 6, 1), encoding="flat", weight_sets=2, repeats=3, units=4)
    path = export(model, tmp_path / "m")
    stage = json.loads(path.read_text())["stages"][1]
    assert stage["switch_positions"] == [0, 0, 0, 1, 1, 1]
    assert stage["static_input"] is True


def arrays_file(json_path):
    return json_path.parent / json.loads(json_path.read_text())["arrays"]["file"]


def test_export_never_overwrites_unless_told(tmp_path):
    model = zoo.image_relax((6, 6, 1), units=4)
    path = export(model, tmp_path / "m")
    before = {p.name: p.read_bytes() for p in tmp_path.iterdir()}
    with pytest.raises(FileExistsError, match="m.json exists; pass overwrite=True"):
        export(zoo.image_relax((6, 6, 1), units=4), tmp_path / "m")
    assert {p.name: p.read_bytes() for p in tmp_path.iterdir()} == before
    other = zoo.image_relax((6, 6, 1), units=4)
    export(other, tmp_path / "m", overwrite=True)
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(["m.json", arrays_file(path).name])
    np.testing.assert_allclose(simulate(load(path), np.ones((1, 6, 6, 1), "float32")),
                               other.predict_on_batch(np.ones((1, 6, 6, 1), "float32")), atol=1e-5)


@pytest.mark.parametrize("killed_at", ["write_bytes_atomically", "write_atomically"])  # the arrays, the description
def test_an_export_killed_midway_leaves_the_previous_one_whole(tmp_path, monkeypatch, killed_at):
    """The arrays' file is named by its content and the description goes in last, by a
    rename: a kill before that rename leaves the old export loadable and unchanged."""
    import importlib

    export_module = importlib.import_module("relax_keras.hardware.export")
    images = np.ones((1, 6, 6, 1), "float32")
    old = zoo.image_relax((6, 6, 1), units=4)
    path = export(old, tmp_path / "m")
    expected = simulate(load(path), images)

    def killed(*args):
        raise KeyboardInterrupt

    monkeypatch.setattr(export_module, killed_at, killed)
    for name, overwrite in (("m", True), ("fresh", False)):
        with pytest.raises(KeyboardInterrupt):
            export(zoo.image_relax((6, 6, 1), units=4), tmp_path / name, overwrite=overwrite)
    np.testing.assert_array_equal(simulate(load(path), images), expected)
    monkeypatch.undo()
    assert load(export(old, tmp_path / "fresh"))  # a killed fresh export blocks no rerun


def test_non_finite_weights_are_refused_at_export_and_at_load(tmp_path):
    model = zoo.image_relax((6, 6, 1), units=4)
    path = export(model, tmp_path / "m")
    weights = model.get_weights()
    weights[0] = np.full_like(weights[0], np.nan)
    model.set_weights(weights)
    with pytest.raises(ValueError, match="holds NaN or infinite values"):
        export(model, tmp_path / "nan")
    assert not list(tmp_path.glob("nan*"))
    spec = load(path)
    name = next(iter(spec["arrays"]))
    spec["arrays"][name] = np.full_like(spec["arrays"][name], np.inf)
    from relax_keras.hardware.validate import validate

    with pytest.raises(ValueError, match=f"The array '{name}' holds NaN or infinite values"):
        validate(spec)


@pytest.mark.parametrize("ids", [[[-1, 2]], [[0, 65]], [[0.5, 1.0]]])
def test_simulate_refuses_ids_outside_the_vocabulary(tmp_path, ids):
    spec = load(export(zoo.shakespeare_relax(units=4, embedding_dim=2), tmp_path / "lm"))
    with pytest.raises(ValueError, match="argument `inputs`: expected integer ids from 0 to 64"):
        simulate(spec, np.array(ids))


def test_corrupted_or_other_version_fails_clearly(tmp_path):
    model = zoo.image_relax((6, 6, 1), units=4)
    path = export(model, tmp_path / "m")
    npz = arrays_file(path)
    npz.write_bytes(npz.read_bytes()[:-10] + b"0123456789")
    with pytest.raises(ValueError, match=r"m-[0-9a-f]{12}\.npz is corrupted or does not belong to"):
        load(path)
    export(model, tmp_path / "m", overwrite=True)
    description = json.loads(path.read_text())
    path.write_text(json.dumps({**description, "version": 99}))
    with pytest.raises(ValueError, match="has format version 99; this relax-keras reads version 2"):
        load(path)
    path.write_text("{not json")
    with pytest.raises(ValueError, match="is not a valid hardware description"):
        load(path)


def test_unexportable_layers_fail_clearly(tmp_path):
    inputs = keras.Input((4, 3))
    model = keras.Model(inputs, keras.layers.LSTM(2)(inputs))
    with pytest.raises(ValueError, match=r"Cannot export layer 'lstm.*' \(LSTM\)"):
        export(model, tmp_path / "m")


def test_load_and_simulate_work_without_tensorflow(tmp_path):
    model = trained_like(zoo.image_relax((6, 6, 1), weight_sets=2, repeats=2, units=5))
    images = np.random.default_rng(3).random((2, 6, 6, 1)).astype("float32")
    np.save(tmp_path / "images.npy", images)
    np.save(tmp_path / "expected.npy", model.predict_on_batch(images))
    export(model, tmp_path / "m")
    script = f"""
import sys
sys.modules["tensorflow"] = None  # any import of TensorFlow or Keras now fails
sys.modules["keras"] = None
import numpy as np
from relax_keras.hardware import load, simulate
outputs = simulate(load({str(tmp_path / 'm.json')!r}), np.load({str(tmp_path / 'images.npy')!r}))
assert np.abs(outputs - np.load({str(tmp_path / 'expected.npy')!r})).max() <= 1e-5
print("ok")
"""
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert result.stdout.strip() == "ok", result.stderr


def block_stage(description):
    return next(stage for stage in description["stages"] if stage["type"] == "relax_block")


TAMPERING = [
    ("a shortened schedule", lambda d: block_stage(d).update(switch_positions=block_stage(d)["switch_positions"][:-1]),
     r"field `switch_positions` is .* expected a list of weight_sets \* repeats = 6 integers in \[0, 3\)"),
    ("a negative set index", lambda d: block_stage(d)["switch_positions"].__setitem__(0, -1),
     r"field `switch_positions` is \[-1,"),
    ("an unknown activation", lambda d: block_stage(d).update(activation="swish"),
     r"field `activation` is 'swish', expected one of"),
    ("another injection mode", lambda d: block_stage(d).update(input_injection="last"),
     r"field `input_injection` is 'last'"),
    ("an unknown stage type", lambda d: d["stages"][0].update(type="conv"), r"field `type` is 'conv'"),
    ("a wrong width", lambda d: block_stage(d).update(units=8), r"field `arrays.kernel \(shape\)` is \(120, 9\), expected shape \(any, 8\)"),
    ("more weight sets", lambda d: block_stage(d).update(weight_sets=4, switch_positions=[0, 1, 2, 3, 0, 1, 2, 3]),
     r"field `switch_positions`|field `arrays.recurrent_kernel \(shape\)`"),
    ("a valid but different activation", lambda d: block_stage(d).update(activation="relu"),
     r"was edited after export: field `digest`"),
    ("a valid but different injection", lambda d: block_stage(d).update(input_injection="first"),
     r"was edited after export: field `digest`"),
]


@pytest.mark.parametrize("case, edit, message", TAMPERING, ids=[case for case, _, _ in TAMPERING])
def test_an_edited_description_fails_naming_the_field(tmp_path, case, edit, message):
    model = zoo.image_relax((12, 10, 1), classes=5, encoding="flat", weight_sets=3, repeats=2, units=9)
    path = export(model, tmp_path / "m")
    description = json.loads(path.read_text())
    edit(description)
    path.write_text(json.dumps(description))
    with pytest.raises(ValueError, match=message):
        load(path)
