"""ReLaX image classifiers: `image_relax` for any image shape, `svhn_relax` for SVHN."""

from relax_keras.zoo.architecture import finish
from relax_keras.zoo.architecture import resolve_architecture
from relax_keras.zoo.image_classifier import DEFAULT_UNITS
from relax_keras.zoo.image_classifier import ReLaXImageClassifier


def image_relax(
    input_shape,
    classes=10,
    encoding="rows",
    weight_sets=2,
    repeats=2,
    schedule="blocked",
    units=DEFAULT_UNITS,
    param_budget=None,
    activation="tanh",
    input_injection="every",
    steps_per_input=None,
    augmentation=None,
    weight_programming=None,
    weights=None,
    include_top=True,
    classifier_activation="softmax",
    learning_rate=1e-3,
    name="image_relax",
):
    """Builds a compiled `ReLaXImageClassifier`, with optional weights.

    The architecture arguments are `ReLaXImageClassifier`'s (same defaults); the model
    comes compiled with Adam (`learning_rate`, gradient clipping at norm 1), sparse
    categorical cross-entropy (`from_logits` when `classifier_activation` is `None`)
    and accuracy; compile it again to change them.

    Args:
        input_shape, classes, encoding, weight_sets, repeats, schedule, units,
            param_budget, activation, input_injection, steps_per_input, augmentation,
            weight_programming, include_top, classifier_activation: as in
            `ReLaXImageClassifier`.
        weights: `None`, a pretrained name (`"relax_2x2_mnist_flat"`) or a
            `.weights.h5` path; a pretrained name fixes the architecture (the
            arguments left at their defaults take its values).
        learning_rate: float, the default optimizer's learning rate. Default: `1e-3`.
        name: str, the model's name.

    Returns:
        A compiled `ReLaXImageClassifier` taking images `(batch, height, width, channels)`.

    Example:

    >>> model = image_relax((28, 28, 1), param_budget=100_000)
    >>> model.count_params() <= 100_000
    True
    """
    config = resolve_architecture(
        image_relax,
        dict(
            encoding=encoding, weight_sets=weight_sets, repeats=repeats,
            schedule=schedule, units=units, param_budget=param_budget,
            activation=activation, input_injection=input_injection,
            steps_per_input=steps_per_input, augmentation=augmentation,
        ),
        weights,
    )
    model = ReLaXImageClassifier(
        input_shape, classes, weight_programming=weight_programming, include_top=include_top,
        classifier_activation=classifier_activation, name=name, **config,
    )
    return finish(model, weights, include_top, learning_rate)


def svhn_relax(encoding="rows", weights=None, name="svhn_relax", **kwargs):
    """Builds a ReLaX-Net for SVHN cropped digits (32x32x3, 10 classes).

    `image_relax` with the SVHN input shape; `encoding` is `"rows"` (32 steps of 96
    values) or `"flat"` (a static 3072-value input). Other arguments as in
    `image_relax`.

    Example:

    >>> model = svhn_relax(encoding="flat", weight_sets=4, repeats=2, units=64)
    >>> model.input_shape
    (None, 32, 32, 3)
    """
    return image_relax((32, 32, 3), encoding=encoding, weights=weights, name=name, **kwargs)
