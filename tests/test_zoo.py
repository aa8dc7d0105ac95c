import numpy as np
import pytest
from keras import ops

from relax_keras import load_model
from relax_keras import zoo


def example_inputs(model, batch=2, length=12):
    if model.input.dtype == "int32":
        return np.random.default_rng(0).integers(0, 65, (batch, length)).astype("int32")
    return np.random.default_rng(0).random((batch, *model.input_shape[1:])).astype("float32")


def example_targets(model, inputs):
    if model.input.dtype == "int32":
        return np.roll(inputs, -1, axis=1)
    return np.arange(len(inputs)) % 10


# one preset per builder and input: the others differ only in numbers, so they are
# marked slow (run by the TensorFlow run of CI; the JAX and PyTorch runs skip them)
REPRESENTATIVE_PRESETS = {"mnist_flat_relax", "mnist_rows_relax", "mnist_rows_gru", "shakespeare_relax",
                          "shakespeare_lstm", "relax_2x2_tiny_shakespeare"}


@pytest.mark.parametrize("name", [name if name in REPRESENTATIVE_PRESETS else pytest.param(name, marks=pytest.mark.slow)
                                  for name in sorted(zoo.PRESETS)])
def test_preset_builds_trains_saves_and_reloads(name, tmp_path):
    model = zoo.from_preset(name)
    assert model.count_params() == zoo.PRESET_PARAMS[name]
    assert model.count_params() <= zoo.PRESETS[name]["config"].get("param_budget", np.inf)
    inputs = example_inputs(model)
    history = model.fit(inputs, example_targets(model, inputs), epochs=1, verbose=0)
    assert np.isfinite(history.history["loss"][0])
    path = tmp_path / f"{name}.keras"
    model.save(path)
    np.testing.assert_array_equal(model.predict_on_batch(inputs), load_model(path).predict_on_batch(inputs))


def test_every_task_has_rnn_dnn_and_balanced_presets_at_one_budget():
    for task in ("shakespeare", "mnist_rows", "mnist_flat", "svhn_rows", "svhn_flat"):
        configs = [zoo.PRESETS[f"{task}_{end}"]["config"] for end in ("rnn", "dnn", "relax")]
        assert [(c["weight_sets"], c["repeats"]) for c in configs] == [(1, 4), (4, 1), (2, 2)]
        assert len({c["param_budget"] for c in configs}) == 1


@pytest.mark.slow  # parameter arithmetic, the same on every backend: the TensorFlow run suffices
@pytest.mark.parametrize("budget", [20_000, 60_000, 100_000])
def test_param_budget_is_respected_and_nearly_used(budget):
    """The width is the largest that fits: one more unit would break the budget."""
    for build in (
        lambda **kw: zoo.image_relax((28, 28, 1), encoding="rows", **kw),
        lambda **kw: zoo.image_relax((28, 28, 1), encoding="flat", **kw),
        lambda **kw: zoo.shakespeare_relax(weight_sets=3, **kw),
    ):
        model = build(param_budget=budget)
        units = model.get_layer("relax_block").units
        assert model.count_params() <= budget < build(units=units + 1).count_params()


def test_svhn_relax_encodings():
    rows = zoo.svhn_relax(units=16)
    flat = zoo.svhn_relax(encoding="flat", units=16, include_top=False)
    assert rows.get_layer("relax_block").input.shape == (None, 32, 96)
    assert flat.get_layer("relax_block").input.shape == (None, 3072)
    assert flat.output_shape == (None, 16)


def test_compiled_loss_matches_the_head():
    logits = zoo.image_relax((8, 8, 1), units=4, classifier_activation=None)
    probabilities = zoo.image_relax((8, 8, 1), units=4)
    assert logits.loss.get_config()["from_logits"] is True
    assert probabilities.loss.get_config()["from_logits"] is False


@pytest.mark.slow  # the deprecated alias; test_zoo_classes checks generate on every backend
def test_generation_is_reproducible_and_survives_saving(tmp_path):
    model = zoo.shakespeare_relax(units=16, embedding_dim=8)
    first = zoo.generate(model, "ROMEO:", length=30, seed=7)
    assert first == zoo.generate(model, "ROMEO:", length=30, seed=7)
    assert first != zoo.generate(model, "ROMEO:", length=30, seed=8)
    assert first.startswith("ROMEO:") and len(first) == 36
    model.save(tmp_path / "lm.keras")
    reloaded = load_model(tmp_path / "lm.keras")
    assert zoo.model_vocabulary(reloaded) == zoo.model_vocabulary(model)
    assert zoo.generate(reloaded, "ROMEO:", length=30, seed=7) == first


@pytest.mark.parametrize(
    "build, error, message",
    [
        (lambda: zoo.from_preset("mnist_big"), ValueError, "`preset`, expected one of"),
        (lambda: zoo.shakespeare_relax(weights="wikitext"), ValueError, "`weights`, expected None, a path"),
        (lambda: zoo.image_relax((28, 28, 1), units=8, param_budget=1000), ValueError, "`units` or `param_budget`, not both"),
        (lambda: zoo.image_relax((28, 28, 1), param_budget=40), ValueError, "40 is too small, the smallest feasible budget for this configuration is 52 (units=1)"),
        (lambda: zoo.image_relax((28, 28, 1), encoding="image"), ValueError, "`encoding`, expected one of ['rows', 'flat']"),
        (lambda: zoo.generate(zoo.shakespeare_relax(units=4), "Romeo & Juliet ~"), ValueError, "argument `prompt`: it has characters outside the vocabulary: ['~']"),
    ],
)
def test_bad_input_fails_clearly(build, error, message):
    with pytest.raises(error) as raised:
        build()
    assert message in str(raised.value)


def test_weights_that_do_not_fit_fail_clearly(tmp_path):
    path = tmp_path / "small.weights.h5"
    zoo.image_relax((28, 28, 1), units=8).save_weights(path)
    with pytest.raises(ValueError, match="do not fit the architecture"):
        zoo.image_relax((28, 28, 1), units=9, weights=str(path))
    reloaded = zoo.image_relax((28, 28, 1), units=8, weights=str(path))
    assert reloaded.count_params() == zoo.image_relax((28, 28, 1), units=8).count_params()


def test_character_loss_matches_keras_and_scores_only_weighted_positions():
    from relax_keras import data
    from relax_keras.zoo.text_metrics import character_loss

    model = zoo.shakespeare_relax(units=8, embedding_dim=4)
    plain = data.tiny_shakespeare("test", seq_len=20, batch_size=512)
    keras_loss = model.evaluate(plain, verbose=0, return_dict=True)["loss"]
    assert character_loss(model, plain)["loss"] == pytest.approx(keras_loss, rel=1e-5)
    with_context = character_loss(model, data.tiny_shakespeare("test", seq_len=20, context=10, batch_size=512))
    assert with_context["characters"] == len(range(0, 55_770 - 30, 20)) * 20


def test_dropout_acts_in_training_only_and_adds_no_parameters():
    plain = zoo.shakespeare_relax(units=16, weight_sets=2, repeats=2)
    model = zoo.shakespeare_relax(units=16, weight_sets=2, repeats=2, dropout=0.5)
    assert model.count_params() == plain.count_params()
    assert {layer.name for layer in model.layers} - {layer.name for layer in plain.layers} == {
        "embedding_dropout", "block_dropout"}
    ids = np.arange(40, dtype="int32").reshape(2, 20) % 65
    inference = ops.convert_to_numpy(model(ids, training=False))
    np.testing.assert_array_equal(inference, ops.convert_to_numpy(model(ids, training=False)))
    assert not np.allclose(ops.convert_to_numpy(model(ids, training=True)), inference)


def test_constructors_show_their_real_defaults():
    """The classes' signatures show the real defaults (units: `None` is the documented
    width); a builder's `None` means "the class's default", so both build the same."""
    import inspect

    from relax_keras.zoo import causal_lm
    from relax_keras.zoo import image_classifier

    defaults = {name: p.default for name, p in inspect.signature(zoo.ReLaXCausalLM).parameters.items()}
    for model in (zoo.shakespeare_relax(), zoo.ReLaXCausalLM()):
        block = model.get_layer("relax_block")
        assert (block.weight_sets, block.repeats, block.units) == (
            defaults["weight_sets"], defaults["repeats"], causal_lm.DEFAULT_UNITS) == (2, 1, 300)
    image_defaults = inspect.signature(zoo.ReLaXImageClassifier).parameters
    assert image_defaults["encoding"].default == "rows"
    model = zoo.image_relax((28, 28, 1))
    assert model.get_layer("relax_block").units == image_classifier.DEFAULT_UNITS == 128
    assert model.get_layer("rows_encoding") is not None