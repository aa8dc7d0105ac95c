"""What the zoo's models are made of: their `ReLaXBlock`, their weights file, their compile."""
import os

import keras

from relax_keras._validation import positive_int


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


def load_weights_file(model, path):
    """Loads a `.weights.h5` file into `model`, naming the file when it does not fit."""
    if not os.path.isfile(path):
        raise ValueError(
            f"Received an invalid value for argument `weights`: no file at {str(path)!r}."
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
