"""ReLaX image classifiers: `image_relax` for any image shape, `svhn_relax` for SVHN."""

import keras

from relax_keras.budget import dense_params
from relax_keras.budget import relax_block_params
from relax_keras.image_encodings import encoded_shape
from relax_keras._validation import one_of
from relax_keras.zoo.architecture import finish
from relax_keras.zoo.architecture import relax_block
from relax_keras.zoo.architecture import resolve_architecture
from relax_keras.zoo.sizing import resolve_units

DEFAULT_UNITS = 128


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
    """Builds a ReLaX-Net image classifier for any image shape and class count.

    The image is encoded inside the model, then one `ReLaXBlock` and a Dense
    readout follow:

    - `encoding="rows"`: the rows are a sequence of `height` elements of
      `width * channels` values; each row drives `steps_per_input` switched steps
      (default: the whole schedule, `weight_sets * repeats`, so that every row sees
      the same weight sets).
    - `encoding="flat"`: the flattened image is a static input (input layer, then
      `weight_sets * repeats` switched steps).

    The model comes compiled with Adam (`learning_rate`, gradient clipping at norm 1),
    sparse categorical cross-entropy (`from_logits` when `classifier_activation` is
    `None`) and accuracy; compile it again to change them.

    Args:
        input_shape: tuple `(height, width, channels)`, the image shape.
        classes: int, number of classes. Default: `10`.
        encoding: `"rows"` or `"flat"`. Default: `"rows"`.
        weight_sets: int, L_W. Default: `2`.
        repeats: int, L_T. Default: `2`.
        schedule: `"blocked"`, `"cyclic"` or explicit. Default: `"blocked"`.
        units: int, the width N. Default: `128`; leave it so with `param_budget`.
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
        weights: `None`, a pretrained name (`"mnist"`) or a `.weights.h5` path.
        include_top: bool, whether to add the Dense readout. Default: `True`.
        classifier_activation: activation of the readout; `None` gives logits.
            Default: `"softmax"`.
        learning_rate: float, the default optimizer's learning rate. Default: `1e-3`.
        name: str, the model's name.

    Returns:
        A compiled `keras.Model` taking images `(batch, height, width, channels)`.

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
    one_of("encoding", config["encoding"], ("rows", "flat"))
    shape = encoded_shape(tuple(input_shape), config["encoding"])
    static = config["encoding"] == "flat"
    depth = config["weight_sets"] * config["repeats"]
    steps = 1 if static else config["steps_per_input"] or depth

    def params_for_units(width):
        readout = dense_params(width, classes) if include_top else 0
        return relax_block_params(shape[-1], width, config["weight_sets"], static) + readout

    width = resolve_units(config["units"], config["param_budget"], params_for_units, DEFAULT_UNITS)
    # ---- layers and functional model
    images = keras.Input(tuple(input_shape), name="images")
    x = images
    if config["augmentation"]:
        x = keras.layers.RandomTranslation(
            config["augmentation"], config["augmentation"], fill_mode="constant",
            name="augmentation",
        )(x)
    x = keras.layers.Reshape(shape, name=f"{config['encoding']}_encoding")(x)
    x = relax_block(config, width, steps, weight_programming)(x)  # (B, N)
    if include_top:
        x = keras.layers.Dense(
            classes, activation=classifier_activation, dtype="float32", name="predictions"
        )(x)
    model = keras.Model(images, x, name=name)
    return finish(model, weights, include_top, classifier_activation, learning_rate)


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
