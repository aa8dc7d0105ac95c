"""`ReLaXImageClassifier`, one `ReLaXBlock` over an encoded image and a readout, and its
builders `image_relax` (any image shape) and `svhn_relax`."""

import keras

from relax_keras.budget import dense_params
from relax_keras.budget import relax_block_params
from relax_keras.budget import resolve_units
from relax_keras.image_encodings import encoded_shape
from relax_keras._validation import one_of
from relax_keras._validation import positive_int
from relax_keras.zoo.architecture import relax_block
from relax_keras.zoo.building import finish
from relax_keras.zoo.building import fixed_by_weights
from relax_keras.zoo.building import names_shipped_weights
from relax_keras.zoo.preset_model import PresetModel

DEFAULT_UNITS = 128


@keras.saving.register_keras_serializable(package="relax_keras")
class ReLaXImageClassifier(PresetModel, keras.Model):
    """A ReLaX-Net image classifier for any image shape and class count.

    The image is encoded inside the model, then one `ReLaXBlock` and a Dense readout
    follow:

    - `encoding="rows"`: the rows are a sequence of `height` elements of
      `width * channels` values; each row drives `steps_per_input` switched steps
      (default: the whole schedule, `weight_sets * repeats`, so that every row sees
      the same weight sets).
    - `encoding="flat"`: the flattened image is a static input (input layer, then
      `weight_sets * repeats` switched steps).

    A `keras.Model` with its constructor arguments as config, so
    `relax_keras.load_model` gives this class back. `image_relax(...)` and
    `svhn_relax(...)` build it compiled, with optional weights; `from_preset(name)`
    builds a preset (`ReLaXImageClassifier.presets` lists them).

    Args:
        input_shape: tuple `(height, width, channels)`, the image shape.
        classes: int, number of classes. Default: `10`.
        encoding: `"rows"` or `"flat"`. Default: `"rows"`.
        weight_sets: int, L_W. Default: `2`.
        repeats: int, L_T. Default: `2`.
        schedule: `"blocked"`, `"cyclic"` or explicit. Default: `"blocked"`.
        units: int or `None`, the width N. Default: `None`: 128, or the width that
            `param_budget` gives.
        param_budget: int, the most parameters the whole model may have; `units`
            is then the largest width that fits. Default: `None`.
        activation: the block's activation. Default: `"tanh"`.
        input_injection: `"every"` or `"first"`. Default: `"every"`.
        steps_per_input: int, switched steps per row (rows encoding). Default:
            `weight_sets * repeats`.
        augmentation: float or `None`: random translations of up to this fraction
            of the height and width in training (a parameter-free
            `keras.layers.RandomTranslation`, inactive at inference). Default: `None`.
        weight_programming: list of device non-idealities applied to the weight
            sets (`relax_keras.nonideal.ProgrammingNoise`, `Quantization`).
            Default: `None`.
        include_top: bool, whether to add the Dense readout. Default: `True`.
        classifier_activation: activation of the readout; `None` gives logits.
            Default: `"softmax"`.
        **kwargs: `keras.Model` arguments (`name`, ...).

    Example:

    >>> model = ReLaXImageClassifier((28, 28, 1), encoding="flat", param_budget=50_000)
    >>> model.count_params() <= 50_000, model.get_layer("relax_block").units
    (True, 55)
    """

    builder = "image_relax"
    default_learning_rate = 1e-3

    def __init__(
        self,
        input_shape,
        classes=10,
        encoding="rows",
        weight_sets=2,
        repeats=2,
        schedule="blocked",
        units=None,
        param_budget=None,
        activation="tanh",
        input_injection="every",
        steps_per_input=None,
        augmentation=None,
        weight_programming=None,
        include_top=True,
        classifier_activation="softmax",
        **kwargs,
    ):
        one_of("encoding", encoding, ("rows", "flat"))
        if (not isinstance(input_shape, (tuple, list)) or len(input_shape) != 3
                or not all(isinstance(d, int) and not isinstance(d, bool) and d > 0 for d in input_shape)):
            raise ValueError(
                "Received an invalid value for argument `input_shape`: expected (height, width, "
                f"channels), three positive integers, got {input_shape!r}."
            )
        input_shape = tuple(input_shape)
        shape = encoded_shape(input_shape, encoding)
        classes = positive_int("classes", classes)
        static = encoding == "flat"
        steps = 1 if static else steps_per_input or weight_sets * repeats

        def params_for_units(width):
            readout = dense_params(width, classes) if include_top else 0
            return relax_block_params(shape[-1], width, weight_sets, static) + readout

        width = resolve_units(units, param_budget, params_for_units, DEFAULT_UNITS)
        # ---- layers and functional model
        images = keras.Input(input_shape, name="images")
        x = images
        if augmentation:
            x = keras.layers.RandomTranslation(
                augmentation, augmentation, fill_mode="constant", name="augmentation")(x)
        x = keras.layers.Reshape(shape, name=f"{encoding}_encoding")(x)
        x = relax_block(width, weight_sets, repeats, schedule, activation, input_injection, steps,
                        weight_programming)(x)  # (B, N)
        if include_top:
            x = keras.layers.Dense(classes, activation=classifier_activation, dtype="float32",
                                   name="predictions")(x)
        kwargs.setdefault("name", "image_relax")
        super().__init__(images, x, **kwargs)
        self._architecture = dict(
            input_shape=input_shape, classes=classes, encoding=encoding, weight_sets=weight_sets,
            repeats=repeats, schedule=schedule, units=width, activation=activation,
            input_injection=input_injection, steps_per_input=steps_per_input, augmentation=augmentation,
            include_top=include_top, classifier_activation=classifier_activation,
        )
        self._weight_programming = keras.saving.serialize_keras_object(weight_programming)  # plain data


def image_relax(
    input_shape,
    classes=10,
    encoding=None,
    weight_sets=None,
    repeats=None,
    schedule=None,
    units=None,
    param_budget=None,
    activation=None,
    input_injection=None,
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

    The architecture arguments are `ReLaXImageClassifier`'s; one left at `None` takes
    the class's default (`encoding="rows"`, `weight_sets=2`, `repeats=2`,
    `schedule="blocked"`, 128 units, `activation="tanh"`, `input_injection="every"`),
    or, with shipped weights, the preset's value. The model comes compiled with Adam
    (`learning_rate`, gradient clipping at norm 1), sparse categorical cross-entropy
    (`from_logits` when `classifier_activation` is `None`) and accuracy; compile it
    again to change them.

    Args:
        input_shape, classes, encoding, weight_sets, repeats, schedule, units,
            param_budget, activation, input_injection, steps_per_input, augmentation,
            weight_programming, include_top, classifier_activation: as in
            `ReLaXImageClassifier`.
        weights: `None`, a pretrained name (`"relax_2x2_mnist_flat"`) or a
            `.weights.h5` path; a pretrained name fixes the architecture (an
            argument given must equal the preset's).
        learning_rate: float, the default optimizer's learning rate. Default: `1e-3`.
        name: str, the model's name.

    Returns:
        A compiled `ReLaXImageClassifier` taking images `(batch, height, width, channels)`.

    Example:

    >>> model = image_relax((28, 28, 1), param_budget=100_000)
    >>> model.count_params() <= 100_000
    True
    """
    given = dict(
        input_shape=tuple(input_shape) if isinstance(input_shape, list) else input_shape,
        classes=classes, encoding=encoding, weight_sets=weight_sets, repeats=repeats,
        schedule=schedule, units=units, param_budget=param_budget, activation=activation,
        input_injection=input_injection, steps_per_input=steps_per_input, augmentation=augmentation,
    )
    architecture = {key: value for key, value in given.items() if value is not None}
    if names_shipped_weights(weights):
        architecture = fixed_by_weights(weights, "image_relax", architecture)
    model = ReLaXImageClassifier(
        weight_programming=weight_programming, include_top=include_top,
        classifier_activation=classifier_activation, name=name, **architecture,
    )
    return finish(model, weights, learning_rate)


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
