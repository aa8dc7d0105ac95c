"""Shared steps of the zoo constructors: resolve the architecture, load weights, compile."""

import inspect
import os

import keras

from relax_keras._validation import positive_int
from relax_keras.zoo.pretrained import pretrained_config
from relax_keras.zoo.pretrained import pretrained_name
from relax_keras.zoo.pretrained import pretrained_path


def resolve_architecture(builder, arguments, weights):
    """Returns the architecture a zoo constructor builds from the `arguments` it was
    called with.

    Named pretrained weights fix the architecture: the arguments left at the
    constructor's defaults take the weights' values, and any other must equal them
    (else `ValueError`).
    """
    if not isinstance(weights, str) or _is_weights_file(weights):
        return dict(arguments)
    config = pretrained_config(weights, builder.__name__)
    defaults = {name: parameter.default
                for name, parameter in inspect.signature(builder).parameters.items()}
    for key, value in arguments.items():
        if value != defaults[key] and config.get(key, defaults[key]) != value:
            raise ValueError(
                f"The pretrained weights {weights!r} do not fit the architecture: "
                f"they were trained with {key}={config.get(key, defaults[key])!r}, got {key}={value!r}."
            )
    return {**arguments, **{key: value for key, value in config.items() if key in arguments}}


MOST_SWITCHED_STEPS = 4096  # per input element: beyond it, a zoo model is a mistake, not a design


def relax_block(width, weight_sets, repeats, schedule, activation, input_injection, steps_per_input,
                weight_programming, **kwargs):
    """Returns the `ReLaXBlock` of a zoo model, named `relax_block`; refuses a schedule
    or a number of switched steps per input element longer than `MOST_SWITCHED_STEPS`."""
    from relax_keras.layers.relax_block import ReLaXBlock

    longest = max(positive_int("weight_sets", weight_sets) * positive_int("repeats", repeats),
                  positive_int("steps_per_input", steps_per_input))
    if longest > MOST_SWITCHED_STEPS:
        raise ValueError(
            f"Received weight_sets={weight_sets}, repeats={repeats}, steps_per_input={steps_per_input}: "
            f"a schedule (weight_sets * repeats) or steps per input element of {longest:,}; a zoo "
            f"model takes at most {MOST_SWITCHED_STEPS:,}."
        )

    return ReLaXBlock(
        width, weight_sets, repeats, schedule=schedule, activation=activation,
        input_injection=input_injection, steps_per_input=steps_per_input,
        weight_programming=weight_programming or (), name="relax_block", **kwargs,
    )


def finish(model, weights, include_top, learning_rate):
    """Loads the weights into a zoo model, then compiles it if it has a top; returns it."""
    load_weights(model, weights)
    if include_top:
        model.compile_default(learning_rate)
    return model


def _is_weights_file(weights):
    return weights.endswith(".weights.h5") or os.path.sep in weights


def load_weights(model, weights):
    """Loads `weights` (`None`, a pretrained name or a `.weights.h5` path) into `model`."""
    if weights is None:
        return
    path = pretrained_path(weights) if pretrained_name(weights) else weights
    if not os.path.isfile(path):
        raise ValueError(
            f"Received an invalid value for argument `weights`: no file at {path!r}."
        )
    try:
        model.load_weights(path)
    except ValueError as error:
        raise ValueError(
            f"The weights in {path} do not fit the architecture of model "
            f"'{model.name}': {error}"
        ) from error


def compile_classifier(model, classifier_activation, learning_rate):
    """Compiles with the zoo's defaults: Adam with clipping, sparse cross-entropy
    (`from_logits` matching the head), accuracy."""
    model.compile(
        optimizer=keras.optimizers.Adam(learning_rate, clipnorm=1.0),
        loss=keras.losses.SparseCategoricalCrossentropy(
            from_logits=classifier_activation is None
        ),
        metrics=["accuracy"],
    )
