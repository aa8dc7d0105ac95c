"""Loading models that contain relax-keras layers."""

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
    """
    import relax_keras.zoo  # noqa: F401

    return keras.saving.load_model(
        filepath, custom_objects=custom_objects, compile=compile, safe_mode=safe_mode
    )
