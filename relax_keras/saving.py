"""Loading models that contain relax-keras layers."""

import keras

import relax_keras.relax_block  # noqa: F401  (registers the layers)


def load_model(filepath, custom_objects=None, compile=True, safe_mode=True):
    """Loads a `.keras` model saved with relax-keras layers in it.

    Same as `keras.saving.load_model`, after registering the package's layers, so it
    works in a fresh process that has not imported them yet.
    """
    return keras.saving.load_model(
        filepath, custom_objects=custom_objects, compile=compile, safe_mode=safe_mode
    )
