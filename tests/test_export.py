"""Models holding a ReLaXBlock export for serving with default settings: `model.export`
(a TF SavedModel with `serving_default`), `tf.saved_model.save`, and TFLite builtins."""

import keras
import numpy as np
import pytest

from relax_keras import ReLaXBlock

tf = pytest.importorskip("tensorflow")
pytestmark = pytest.mark.tensorflow

CASES = {
    "sequence": ((12, 5), dict(weight_sets=3, repeats=2, schedule="cyclic")),
    "static": ((20,), dict(weight_sets=2, repeats=2, input_injection="first")),
    "sequences out": ((7, 5), dict(weight_sets=2, repeats=1, return_sequences=True, steps_per_input=2)),
}


def trained_model(input_shape, options):
    inputs = keras.Input(input_shape)
    outputs = keras.layers.Dense(3)(ReLaXBlock(8, bias_initializer="random_normal", **options)(inputs))
    model = keras.Model(inputs, outputs)
    model.compile("adam", "mse")
    data = np.random.default_rng(0).standard_normal((16, *input_shape)).astype("float32")
    model.fit(data, np.zeros((16, *model.output_shape[1:]), "float32"), epochs=1, verbose=0)  # fused engine
    return model, data


@pytest.mark.parametrize("case", CASES)
def test_export_serves_the_models_outputs(case, tmp_path):
    model, data = trained_model(*CASES[case])
    model.export(tmp_path / "served", verbose=False)
    served = tf.saved_model.load(str(tmp_path / "served"))
    np.testing.assert_allclose(served.serve(data), model.predict(data, verbose=0), atol=1e-5)
    signature = served.signatures["serving_default"]
    (output,) = signature(tf.constant(data)).values()
    np.testing.assert_allclose(output, model.predict(data, verbose=0), atol=1e-5)


def test_tf_saved_model_save_works(tmp_path):
    model, data = trained_model(*CASES["sequence"])
    tf.saved_model.save(model, str(tmp_path / "saved"))
    signature = tf.saved_model.load(str(tmp_path / "saved")).signatures["serving_default"]
    (output,) = signature(tf.constant(data)).values()
    np.testing.assert_allclose(output, model.predict(data, verbose=0), atol=1e-5)


@pytest.mark.parametrize("case", ["sequence", "static"])
def test_tflite_builtins_give_the_models_outputs(case, tmp_path):
    model, data = trained_model(*CASES[case])
    model.export(tmp_path / "served", verbose=False)
    converter = tf.lite.TFLiteConverter.from_saved_model(str(tmp_path / "served"))
    converter.target_spec.supported_ops = [tf.lite.OpsSet.TFLITE_BUILTINS]
    interpreter = tf.lite.Interpreter(model_content=converter.convert())
    runner = interpreter.get_signature_runner("serving_default")
    (output,) = runner(**{runner.get_input_details().popitem()[0]: data[:1]}).values()
    np.testing.assert_allclose(output, model.predict(data[:1], verbose=0), atol=1e-4)
