"""The zoo's model classes, keras-hub's way: config, saving, presets, generate."""

import json
import os
import subprocess
import sys

import numpy as np
import pytest

import keras
from relax_keras import load_model
from relax_keras import zoo
from relax_keras.nonideal import Quantization
from relax_keras.zoo.generation import next_logits_function
from relax_keras.zoo.presets import PRESET_ALIASES
from relax_keras.zoo.presets import PRESETS

CLASSES = {"image_relax": zoo.ReLaXImageClassifier, "shakespeare_relax": zoo.ReLaXCausalLM}
IDS = (np.arange(24, dtype="int32").reshape(2, 12) * 7) % 65
IMAGES = np.random.default_rng(0).random((2, 8, 8, 1)).astype("float32")


def small_models():
    return [
        zoo.ReLaXImageClassifier((8, 8, 1), classes=3, encoding="flat", weight_sets=2, repeats=3, units=6,
                                 weight_programming=[Quantization(bits=4)]),
        zoo.ReLaXImageClassifier((8, 8, 1), param_budget=2_000, augmentation=0.1, classifier_activation=None),
        zoo.ReLaXCausalLM(units=8, embedding_dim=4, weight_sets=2, repeats=2, schedule="cyclic", dropout=0.1),
        zoo.ReLaXCausalLM("abc\n", units=5, embedding_dim=3, include_top=False),
    ]


def inputs_for(model):
    return IMAGES if isinstance(model, zoo.ReLaXImageClassifier) else IDS % model.vocabulary.size


@pytest.mark.parametrize("model", small_models(), ids=lambda m: m.name)
def test_config_round_trip_gives_the_same_architecture(model):
    again = type(model).from_config(json.loads(json.dumps(model.get_config())))
    assert again.get_config() == model.get_config()
    assert again.count_params() == model.count_params()
    again.set_weights(model.get_weights())
    np.testing.assert_allclose(again.predict_on_batch(inputs_for(model)), model.predict_on_batch(inputs_for(model)),
                               atol=1e-6)


RELOAD = """
import numpy as np, relax_keras
for path, inputs, outputs in {files!r}:
    model = relax_keras.load_model(path)
    np.save(outputs, model.predict_on_batch(np.load(inputs)))
    print(type(model).__name__)
"""


@pytest.mark.slow  # a fresh process; test_backends loads across backends in fresh processes too
def test_saved_models_load_in_a_fresh_process_as_the_same_classes(tmp_path):
    models = small_models()[1:3]
    files = [(str(tmp_path / f"{i}.keras"), str(tmp_path / f"{i}.in.npy"), str(tmp_path / f"{i}.out.npy"))
             for i in range(len(models))]
    for model, (path, inputs, _) in zip(models, files):
        model.save(path)
        np.save(inputs, inputs_for(model))
    fresh = subprocess.run([sys.executable, "-c", RELOAD.format(files=files)], capture_output=True, text=True,
                           env={**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3"})
    assert fresh.returncode == 0, fresh.stderr[-3000:]
    assert fresh.stdout.strip().splitlines()[-len(models):] == [type(model).__name__ for model in models]
    for model, (_, _, outputs) in zip(models, files):
        np.testing.assert_array_equal(np.load(outputs), model.predict_on_batch(inputs_for(model)))


def test_presets_listing_matches_the_registry():
    for builder, cls in CLASSES.items():
        assert set(cls.presets) == {name for name, record in PRESETS.items() if record["builder"].__name__ == builder}
        for name, entry in cls.presets.items():
            assert entry["params"] == PRESETS[name]["params"] and entry["description"]
    assert cls.presets["relax_2x2_tiny_shakespeare"]["weights"] is True


@pytest.mark.parametrize("name", [n for n, r in PRESETS.items() if r["builder"].__name__ in CLASSES])
def test_from_preset_builds_every_preset_of_its_class(name):
    cls = CLASSES[PRESETS[name]["builder"].__name__]
    model = cls.from_preset(name)
    assert type(model) is cls and model.name == name
    assert model.count_params() == cls.presets[name]["params"]


@pytest.mark.parametrize("alias, name", sorted(PRESET_ALIASES.items()))
def test_old_preset_names_are_aliases(alias, name):
    cls = CLASSES[PRESETS[name]["builder"].__name__]
    model, again = cls.from_preset(alias), cls.from_preset(name)
    for a, b in zip(model.get_weights(), again.get_weights()):
        np.testing.assert_array_equal(a, b)


def test_from_preset_refuses_a_preset_of_the_other_class():
    with pytest.raises(ValueError, match="'relax_2x2_tiny_shakespeare' is a preset of `shakespeare_relax`, "
                                         "not of ReLaXImageClassifier"):
        zoo.ReLaXImageClassifier.from_preset("relax_2x2_tiny_shakespeare")
    with pytest.raises(ValueError, match="is a preset of `image_rnn_baseline`, not of ReLaXCausalLM"):
        zoo.ReLaXCausalLM.from_preset("mnist_rows_lstm")


def test_builders_return_the_classes_with_the_same_parameter_counts():
    assert type(zoo.shakespeare_relax()) is zoo.ReLaXCausalLM
    assert type(zoo.svhn_relax(units=16)) is zoo.ReLaXImageClassifier
    assert zoo.image_relax((28, 28, 1), param_budget=100_000).count_params() == PRESETS["mnist_rows_relax"]["params"]


def test_generate_is_reproducible_by_seed_and_survives_saving(tmp_path):
    model = zoo.ReLaXCausalLM(units=16, embedding_dim=8)
    first = model.generate("ROMEO:", max_length=10, seed=7)
    assert len(first) == 10 and first.startswith("ROMEO:")
    assert first == model.generate("ROMEO:", max_length=10, seed=7)
    assert first != model.generate("ROMEO:", max_length=10, seed=8)
    model.save(tmp_path / "lm.keras")
    assert load_model(tmp_path / "lm.keras").generate("ROMEO:", max_length=10, seed=7) == first


def test_each_step_of_generation_gives_the_models_logits_at_the_windows_end():
    model = zoo.ReLaXCausalLM(units=16, embedding_dim=8, weight_sets=2, repeats=2)
    next_logits = next_logits_function(model, context=12)
    for window in ([5], IDS[0, :7].tolist(), IDS[1].tolist()):
        expected = keras.ops.convert_to_numpy(model(np.array([window], "int32"), training=False))[0, -1]
        np.testing.assert_allclose(next_logits(window), expected, rtol=1e-5, atol=1e-5)


def test_a_loaded_model_generates_with_its_own_vocabulary(tmp_path):
    model = zoo.ReLaXCausalLM("xyz ", units=4, embedding_dim=2)
    model.save(tmp_path / "lm.keras")
    text = load_model(tmp_path / "lm.keras").generate("zyx", max_length=8, seed=0)
    assert set(text) <= set("xyz ")


@pytest.mark.parametrize("max_length", [6, 3, 2.5, True])
def test_generate_refuses_a_max_length_the_prompt_fills(max_length):
    with pytest.raises(ValueError, match="argument `max_length`: expected an integer greater than the prompt's length"):
        zoo.ReLaXCausalLM(units=4, embedding_dim=2).generate("ROMEO:", max_length=max_length)


def test_zoo_generate_is_a_deprecated_alias():
    model = zoo.ReLaXCausalLM(units=4, embedding_dim=2)
    with pytest.warns(DeprecationWarning, match="use model.generate"):
        text = zoo.generate(model, "ROMEO:", length=4, seed=3)
    assert text == model.generate("ROMEO:", max_length=10, seed=3)


@pytest.mark.parametrize("model", small_models()[::2], ids=lambda m: m.name)
def test_save_to_preset_and_from_preset_round_trip(model, tmp_path):
    model.save_to_preset(tmp_path / "preset")
    assert {p.name for p in (tmp_path / "preset").iterdir()} == {
        "config.json", "model.weights.h5", "metadata.json", "README.md"}
    again = type(model).from_preset(tmp_path / "preset")
    assert type(again) is type(model) and again.optimizer is not None
    np.testing.assert_array_equal(again.predict_on_batch(inputs_for(model)), model.predict_on_batch(inputs_for(model)))


def test_save_to_preset_never_overwrites_and_from_preset_checks_the_weights(tmp_path):
    model = small_models()[2]
    model.save_to_preset(tmp_path / "preset")
    with pytest.raises(ValueError, match="exists and is not an empty folder"):
        model.save_to_preset(tmp_path / "preset")
    with pytest.raises(ValueError, match="holds a ReLaXCausalLM, not a ReLaXImageClassifier"):
        zoo.ReLaXImageClassifier.from_preset(tmp_path / "preset")
    weights = tmp_path / "preset" / "model.weights.h5"
    weights.write_bytes(weights.read_bytes()[:-8] + b"damaged!")
    with pytest.raises(ValueError, match="damaged or changed: sha256"):
        zoo.ReLaXCausalLM.from_preset(tmp_path / "preset")


def test_bad_class_arguments_fail_clearly():
    with pytest.raises(ValueError, match="`classes`, expected a positive integer, got 0"):
        zoo.ReLaXImageClassifier((8, 8, 1), classes=0)
    with pytest.raises(ValueError, match="weight_sets=1000000, repeats=2, .* of 2,000,000; a zoo model takes at most 4,096"):
        zoo.ReLaXImageClassifier((8, 8, 1), encoding="flat", weight_sets=10**6, repeats=2, units=2)
    with pytest.raises(ValueError, match="steps_per_input=5000"):
        zoo.ReLaXCausalLM(units=2, embedding_dim=2, steps_per_input=5000)
    for shape in [(28, 28), (28, 28, 0), "28x28"]:
        with pytest.raises(ValueError, match=r"argument `input_shape`: expected \(height, width, channels\)"):
            zoo.image_relax(shape)
    with pytest.raises(ValueError, match="`encoding`, expected one of"):
        zoo.ReLaXImageClassifier((8, 8, 1), encoding="image")
    assert keras.saving.get_registered_object("relax_keras>ReLaXCausalLM") is zoo.ReLaXCausalLM
