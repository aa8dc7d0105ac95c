"""The last steps of the zoo's builders: a preset's architecture for its weights, the
weights, the default compile."""

import os

from relax_keras.zoo.architecture import load_weights_file


def names_shipped_weights(weights):
    """Whether `weights` is a name (of a preset's shipped weights), not a file."""
    return isinstance(weights, str) and not (weights.endswith(".weights.h5") or os.path.sep in weights)


def fixed_by_weights(weights, builder, given):
    """Returns the constructor arguments of `builder` called with the shipped weights
    `weights` and `given`, the architecture arguments the caller passed (not `None`).

    Shipped weights fix the architecture: what was not given takes the preset's value,
    and what was given must equal it (else `ValueError`).
    """
    from relax_keras.zoo.pretrained import pretrained_config  # the presets name the builders

    config = pretrained_config(weights, builder)
    for key, value in given.items():
        if config.get(key) != value:
            raise ValueError(
                f"The pretrained weights {weights!r} do not fit the architecture: "
                f"they were trained with {key}={config.get(key)!r}, got {key}={value!r}."
            )
    return {**config, **given}


def finish(model, weights, learning_rate):
    """Loads `weights` (`None`, a pretrained name or a `.weights.h5` path) into a zoo
    model, then compiles it with the zoo's defaults if it has a top; returns it."""
    if weights is not None:
        from relax_keras.zoo.pretrained import pretrained_name
        from relax_keras.zoo.pretrained import pretrained_path

        load_weights_file(model, pretrained_path(weights) if pretrained_name(weights) else weights)
    if model.get_config()["include_top"]:
        model.compile_default(learning_rate)
    return model
