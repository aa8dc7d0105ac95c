"""`ReLaXImageClassifier`: one `ReLaXBlock` over an encoded image, and a readout."""

import keras

from relax_keras.budget import dense_params
from relax_keras.budget import relax_block_params
from relax_keras.image_encodings import encoded_shape
from relax_keras._validation import one_of
from relax_keras._validation import positive_int
from relax_keras.zoo.architecture import relax_block
from relax_keras.zoo.preset_model import PresetModel
from relax_keras.zoo.sizing import resolve_units

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
        units=DEFAULT_UNITS,
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
