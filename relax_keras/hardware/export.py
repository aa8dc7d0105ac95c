"""Export of a trained Keras ReLaX-Net to a hardware description."""

import hashlib
import io
import json

import numpy as np

import relax_keras
from relax_keras._files import write_atomically
from relax_keras._files import write_bytes_atomically
from relax_keras.hardware.spec import FORMAT
from relax_keras.hardware.spec import FORMAT_VERSION
from relax_keras.hardware.spec import arrays_path
from relax_keras.hardware.spec import description_digest
from relax_keras.hardware.spec import json_path_of
from relax_keras.hardware.validate import check_finite
from relax_keras.physics import NONLINEARITIES


def export(model, path, overwrite=False):
    """Writes a trained model to `<path>.json` and `<path>-<sha256 prefix>.npz`.

    The JSON describes the model stage by stage (embedding or reshape, the ReLaX
    block with its schedule as the sequence of switch positions, the readout); the
    `.npz` holds the weight bank, biases, input coupling and readout in float32.
    The bank is written as the device holds it: after the block's
    `weight_programming` (quantized, without training noise); node noise is not
    exported.

    Args:
        model: a Keras model made of `Embedding`/`CharacterEmbedding`, `Reshape`,
            `ReLaXBlock` and `Dense` layers, e.g. a `relax_keras.zoo` model.
        path: the `.json` path (the `.npz` goes beside it).
        overwrite: bool, whether to replace an existing export. Default: `False`.

    Returns:
        The path of the `.json` file.

    Raises:
        FileExistsError: when the `.json` exists and `overwrite` is `False`.
        ValueError: for a layer or activation the description cannot hold, or
            weights that are NaN or infinite.
    """
    import keras

    from relax_keras.layers.relax_block import ReLaXBlock
    from relax_keras.layers.character_embedding import CharacterEmbedding

    json_path = json_path_of(path)
    stages, arrays = [], {}

    def add_arrays(stage, **named):
        stage["arrays"] = {}
        for key, value in named.items():
            if value is not None:
                array_name = f"{stage['name']}/{key}"
                arrays[array_name] = np.asarray(keras.ops.convert_to_numpy(value), np.float32)
                stage["arrays"][key] = array_name
        stages.append(stage)

    for layer in model.layers:
        stage = {"name": layer.name}
        if isinstance(layer, (keras.layers.InputLayer, keras.layers.RandomTranslation)):
            continue  # no stage at inference
        if isinstance(layer, keras.layers.Embedding):
            stage["type"] = "embedding"
            if isinstance(layer, CharacterEmbedding):
                stage["vocabulary"] = layer.vocabulary.symbols
            add_arrays(stage, embeddings=layer.embeddings)
        elif isinstance(layer, keras.layers.Reshape):
            add_arrays({**stage, "type": "reshape", "target_shape": list(layer.target_shape)})
        elif isinstance(layer, ReLaXBlock):
            stage.update(
                type="relax_block",
                units=layer.units,
                weight_sets=layer.weight_sets,
                repeats=layer.repeats,
                schedule=layer.schedule,
                switch_positions=list(layer.schedule_positions),
                steps_per_input=layer.steps_per_input,
                input_injection=layer.input_injection,
                activation=_activation_name(layer.activation, layer.name),
                static_input=layer.static_input,
                return_sequences=layer.return_sequences,
            )
            bank, bank_bias = layer.programmed_weights(training=False)
            add_arrays(
                stage, kernel=layer.cell.kernel, recurrent_kernel=bank, bias=bank_bias,
                input_bias=layer.input_bias,
            )
        elif isinstance(layer, keras.layers.Dense):
            stage.update(type="dense", activation=_activation_name(layer.activation, layer.name))
            bias = layer.bias if layer.use_bias else np.zeros(layer.units, np.float32)
            add_arrays(stage, kernel=layer.kernel, bias=bias)
        else:
            raise ValueError(
                f"Cannot export layer '{layer.name}' ({layer.__class__.__name__}): a "
                "hardware description holds Embedding, Reshape, ReLaXBlock and Dense "
                "layers."
            )
    if json_path.exists() and not overwrite:
        raise FileExistsError(f"{json_path} exists; pass overwrite=True to replace it.")
    check_finite(arrays)
    buffer = io.BytesIO()
    np.savez(buffer, **arrays)
    npz_bytes = buffer.getvalue()
    # the arrays' file is named by its content, and the description is renamed into place
    # last: until then the previous export stays whole, and a killed export blocks nothing
    npz_path = json_path.with_name(f"{json_path.stem}-{hashlib.sha256(npz_bytes).hexdigest()[:12]}.npz")
    previous = _previous_arrays(json_path)
    json_path.parent.mkdir(parents=True, exist_ok=True)
    write_bytes_atomically(npz_path, npz_bytes)
    description = {
        "format": FORMAT,
        "version": FORMAT_VERSION,
        "relax_keras": relax_keras.__version__,
        "model": model.name,
        "dtype": "float32",
        "arrays": {"file": npz_path.name, "sha256": hashlib.sha256(npz_bytes).hexdigest()},
        "stages": stages,
    }
    description["digest"] = description_digest(description, npz_bytes)
    write_atomically(json_path, json.dumps(description, indent=2) + "\n")
    if previous is not None and previous != npz_path and previous.is_file():
        previous.unlink()
    return json_path


def _previous_arrays(json_path):
    """The `.npz` the description at `json_path` names, if one is there and readable."""
    try:
        return arrays_path(json_path, json.loads(json_path.read_text()))
    except (OSError, ValueError, AttributeError):
        return None


def _activation_name(activation, layer_name):
    # A non-ideal wrapper (e.g. NodeNoise) exports the curve it wraps.
    activation = getattr(activation, "activation", activation)
    name = getattr(activation, "__name__", None)
    if name not in NONLINEARITIES:
        raise ValueError(
            f"Cannot export the activation {activation!r} of layer '{layer_name}': the "
            f"NumPy reference knows {sorted(NONLINEARITIES)}."
        )
    return name
