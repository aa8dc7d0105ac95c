"""Loading models that contain relax-keras layers."""

import pathlib
import zipfile

import keras

# Imported for their registrations with Keras's serialization:
import relax_keras.activations  # noqa: F401
import relax_keras.layers  # noqa: F401

__all__ = ["load_model"]


def load_model(filepath, custom_objects=None, compile=True, safe_mode=True):
    """Loads a `.keras` model saved with relax-keras layers in it.

    Same as `keras.saving.load_model`, after registering the package's layers, so it
    works in a fresh process that has not imported them yet; the zoo's model classes
    (`ReLaXImageClassifier`, `ReLaXCausalLM`) are registered here, on first use, so that
    importing the core does not import the zoo.

    Raises:
        ValueError: naming the file, when there is none, or it is damaged, or it holds
            classes that are not registered.
    """
    import relax_keras.zoo  # noqa: F401

    path = pathlib.Path(filepath)
    if not path.is_file():
        raise ValueError(f"Received an invalid value for argument `filepath`: no file at {str(path)!r}.")
    if path.suffix == ".keras" and not zipfile.is_zipfile(path):
        raise ValueError(f"The model file {path} is damaged: a .keras file is a zip archive, this one is not.")
    try:
        return keras.saving.load_model(
            filepath, custom_objects=custom_objects, compile=compile, safe_mode=safe_mode
        )
    except (zipfile.BadZipFile, KeyError, TypeError) as error:
        raise ValueError(f"The model file {path} could not be loaded (damaged, or a class not "
                         f"registered: pass `custom_objects`): {error}") from error
