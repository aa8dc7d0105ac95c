"""Every Keras 3 backend: the backend-neutral tests pass on JAX and PyTorch, a model saved
on one backend loads on another with the same outputs, and data-parallel training gives
the loss of one device (TensorFlow's MirroredStrategy, JAX's DataParallel). Each runs in
its own process, since a process picks its backend (and devices) once."""

import importlib.util
import json
import os
import pathlib
import subprocess
import sys

import numpy as np
import pytest

ROOT = pathlib.Path(__file__).resolve().parents[1]
OTHER_BACKENDS = ["jax", "torch"]
# the test files written in `keras.ops` and NumPy only (TensorFlow-only tests in them are
# marked `tensorflow` and skip with the reason)
BACKEND_NEUTRAL_TESTS = [
    "tests/test_keras_rnn_layer.py", "tests/test_relax_block.py", "tests/test_weight_sets.py",
    "tests/test_nonideal.py", "tests/test_hardware.py", "tests/test_zoo.py", "tests/test_zoo_classes.py",
]
# the tests run once per preset run every preset on TensorFlow; here, the ReLaX-Net presets
# (the Keras baselines' presets exercise Keras's own layers, the others L_W = 1 or L_T = 1
# of the same block, which test_relax_block covers on every backend); the constructors'
# signatures do not depend on the backend
EVERY_PRESET_ON_TENSORFLOW_ONLY = (
    "not (test_preset_builds_trains_saves_and_reloads or test_from_preset_builds_every_preset_of_its_class "
    "or test_constructors_show_their_real_defaults) or relax]")

pytestmark = pytest.mark.slow


def run_python(code, backend, **environment):
    """Runs `code` in a fresh Python with `KERAS_BACKEND=backend`; returns its stdout."""
    env = {**os.environ, "KERAS_BACKEND": backend, "TF_CPP_MIN_LOG_LEVEL": "3", **environment}
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True,
                            timeout=600)
    assert result.returncode == 0, result.stderr[-4000:]
    return result.stdout


def needs(backend):
    if importlib.util.find_spec(backend) is None:
        pytest.skip(f"the {backend} backend is not installed (CI installs it: see .ci/run)")


@pytest.mark.parametrize("backend", OTHER_BACKENDS)
def test_backend_neutral_tests_pass(backend, tmp_path):
    needs(backend)
    env = {**os.environ, "KERAS_BACKEND": backend}
    if backend == "jax":
        # Compiling dominates here: JAX compiles each eager loop anew (the cache compiles
        # each program once) and these programs are tiny (XLA's least optimization compiles
        # them faster; the results agree within the tests' tolerances). The JAX run takes
        # 228 s instead of 357 s (2 cores beside two training runs).
        env.update(JAX_COMPILATION_CACHE_DIR=str(tmp_path), JAX_PERSISTENT_CACHE_MIN_COMPILE_TIME_SECS="0",
                   JAX_PERSISTENT_CACHE_MIN_ENTRY_SIZE_BYTES="-1",
                   XLA_FLAGS="--xla_backend_optimization_level=0 --xla_llvm_disable_expensive_passes=true")
    if backend == "torch":
        # CI's other pytest worker holds the second core: PyTorch's two intra-op threads then
        # contend (beside two training runs: 71 s with one thread, 96 s with two)
        env.update(OMP_NUM_THREADS="1")
    result = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-m", "not slow",
                             "-k", EVERY_PRESET_ON_TENSORFLOW_ONLY, *BACKEND_NEUTRAL_TESTS], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=900)
    assert result.returncode == 0, result.stdout[-6000:]
    assert " passed" in result.stdout.splitlines()[-1]


MOVE = """
import json, keras, numpy as np
import relax_keras
from relax_keras import ReLaXBlock
folder = "{folder}"
errors = {{}}
for source in {sources}:  # the models the other backends saved: the same outputs here
    model = relax_keras.load_model(f"{{folder}}/{{source}}.keras")
    outputs = keras.ops.convert_to_numpy(model(np.load(f"{{folder}}/tokens.npy")))
    errors[source] = float(np.abs(outputs - np.load(f"{{folder}}/{{source}}.npy")).max())
if {save}:
    keras.utils.set_random_seed(0)
    inputs = keras.Input((9,), dtype="int32")
    h = keras.layers.Embedding(12, 6, mask_zero=True)(inputs)
    h = keras.layers.Bidirectional(ReLaXBlock(8, weight_sets=2, repeats=2, schedule="cyclic"))(h)
    static = ReLaXBlock(5, weight_sets=3, repeats=1, input_injection="first")(h)
    model = keras.Model(inputs, keras.layers.Dense(3)(static))
    tokens = np.random.default_rng(0).integers(0, 12, (4, 9))
    np.save(f"{{folder}}/tokens.npy", tokens)
    np.save(f"{{folder}}/{{keras.backend.backend()}}.npy", keras.ops.convert_to_numpy(model(tokens)))
    model.save(f"{{folder}}/{{keras.backend.backend()}}.keras")
print(json.dumps(errors))
"""


def test_a_model_saved_on_one_backend_loads_on_another(tmp_path):
    for backend in OTHER_BACKENDS:
        needs(backend)

    def move(backend, sources, save):  # the largest output error of each model loaded from `sources`
        return json.loads(run_python(MOVE.format(folder=tmp_path, sources=sources, save=save), backend).splitlines()[-1])

    assert move("tensorflow", [], True) == {}
    errors = {f"tensorflow to {backend}": move(backend, ["tensorflow"], True)["tensorflow"]
              for backend in OTHER_BACKENDS}
    errors.update({f"{backend} to tensorflow": error
                   for backend, error in move("tensorflow", OTHER_BACKENDS, False).items()})
    assert max(errors.values()) < 1e-5, errors


FIT = """
import json, keras, numpy as np
from relax_keras import ReLaXBlock
{setup}
keras.utils.set_random_seed(0)
rng = np.random.default_rng(0)
x, y = rng.standard_normal((64, 10, 4)).astype("float32"), rng.integers(0, 3, 64)
def fit():
    keras.utils.set_random_seed(0)
    model = keras.Sequential([keras.Input((10, 4)), ReLaXBlock(8, weight_sets=2, repeats=2),
                              keras.layers.Dense(3)])
    model.compile(keras.optimizers.SGD(0.1), keras.losses.SparseCategoricalCrossentropy(from_logits=True))
    return model.fit(x, y, batch_size=16, epochs=2, shuffle=False, verbose=0).history["loss"]
{run}
"""
MIRRORED = dict(
    setup="""import tensorflow as tf
cpu = tf.config.list_physical_devices("CPU")[0]
tf.config.set_logical_device_configuration(cpu, [tf.config.LogicalDeviceConfiguration()] * 2)
strategy = tf.distribute.MirroredStrategy(["/cpu:0", "/cpu:1"])""",
    run="""one = fit()
with strategy.scope():
    both = fit()
print(json.dumps([strategy.num_replicas_in_sync, one, both]))""",
)
DATA_PARALLEL = dict(
    setup="",
    run="""one = fit()
devices = keras.distribution.list_devices("cpu")
keras.distribution.set_distribution(keras.distribution.DataParallel(devices=devices))
both = fit()
print(json.dumps([len(devices), one, both]))""",
)


@pytest.mark.parametrize("backend, parts, environment", [
    ("tensorflow", MIRRORED, {}),
    ("jax", DATA_PARALLEL, {"XLA_FLAGS": "--xla_force_host_platform_device_count=2"}),
])
def test_data_parallel_training_gives_the_loss_of_one_device(backend, parts, environment):
    if backend != "tensorflow":
        needs(backend)
    devices, one, both = json.loads(run_python(FIT.format(**parts), backend, **environment).splitlines()[-1])
    assert devices == 2
    np.testing.assert_allclose(both, one, rtol=1e-4)
