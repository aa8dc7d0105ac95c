"""Named, documented zoo configurations with their exact parameter counts.

For each task, at one parameter budget and effective depth D = L_W * L_T = 4: the
RNN baseline (L_W = 1), the DNN end (L_T = 1), the balanced ReLaX-Net (L_W = L_T = 2),
and Keras SimpleRNN / GRU / LSTM models sized to the same budget.
"""

from relax_keras.validation import one_of


def _relax_family(task, builder, budget, extra):
    return {
        f"{task}_rnn": {
            "builder": builder,
            "config": {"weight_sets": 1, "repeats": 4, "param_budget": budget, **extra},
            "description": f"{task}: RNN baseline, one weight set reused 4 times, <= {budget:,} parameters.",
        },
        f"{task}_dnn": {
            "builder": builder,
            "config": {"weight_sets": 4, "repeats": 1, "param_budget": budget, **extra},
            "description": f"{task}: DNN end, 4 weight sets used once each, <= {budget:,} parameters.",
        },
        f"{task}_relax": {
            "builder": builder,
            "config": {"weight_sets": 2, "repeats": 2, "param_budget": budget, **extra},
            "description": f"{task}: balanced ReLaX-Net, 2 weight sets x 2 repeats, <= {budget:,} parameters.",
        },
    }


def _keras_family(task, builder, budget, extra):
    return {
        f"{task}_{kind}": {
            "builder": builder,
            "config": {"kind": kind, "param_budget": budget, **extra},
            "description": f"{task}: keras.layers.{layer} sized to <= {budget:,} parameters.",
        }
        for kind, layer in (("simple_rnn", "SimpleRNN"), ("gru", "GRU"), ("lstm", "LSTM"))
    }


MNIST_IMAGE = {"input_shape": (28, 28, 1), "classes": 10}
SVHN_IMAGE = {"input_shape": (32, 32, 3), "classes": 10}

PRESETS = {
    **_relax_family("shakespeare", "shakespeare_relax", 250_000, {}),
    **_keras_family("shakespeare", "char_rnn_baseline", 250_000, {}),
    **_relax_family("mnist_rows", "image_relax", 100_000, {"encoding": "rows", **MNIST_IMAGE}),
    **_relax_family("mnist_flat", "image_relax", 100_000, {"encoding": "flat", **MNIST_IMAGE}),
    **_keras_family("mnist_rows", "image_rnn_baseline", 100_000, MNIST_IMAGE),
    **_relax_family("svhn_rows", "image_relax", 250_000, {"encoding": "rows", **SVHN_IMAGE}),
    **_relax_family("svhn_flat", "image_relax", 250_000, {"encoding": "flat", **SVHN_IMAGE}),
    **_keras_family("svhn_rows", "image_rnn_baseline", 250_000, SVHN_IMAGE),
}

# Exact count_params() of each preset (tests check them).
PRESET_PARAMS = {
    "shakespeare_rnn": 249_936,
    "shakespeare_dnn": 249_587,
    "shakespeare_relax": 248_988,
    "shakespeare_simple_rnn": 249_936,
    "shakespeare_gru": 249_607,
    "shakespeare_lstm": 248_178,
    "mnist_rows_rnn": 99_802,
    "mnist_rows_dnn": 98_810,
    "mnist_rows_relax": 99_268,
    "mnist_flat_rnn": 99_670,
    "mnist_flat_dnn": 99_799,
    "mnist_flat_relax": 99_710,
    "mnist_rows_simple_rnn": 99_802,
    "mnist_rows_gru": 99_278,
    "mnist_rows_lstm": 99_824,
    "svhn_rows_rnn": 249_654,
    "svhn_rows_dnn": 248_754,
    "svhn_rows_relax": 249_184,
    "svhn_flat_rnn": 249_887,
    "svhn_flat_dnn": 246_677,
    "svhn_flat_relax": 249_413,
    "svhn_rows_simple_rnn": 249_654,
    "svhn_rows_gru": 249_270,
    "svhn_rows_lstm": 249_700,
}


def from_preset(name, **overrides):
    """Builds a preset's model; `overrides` replace entries of its config.

    Example:

    >>> model = from_preset("mnist_rows_relax")
    >>> model.count_params() == PRESET_PARAMS["mnist_rows_relax"]
    True
    """
    from relax_keras import zoo

    preset = PRESETS[one_of("preset", name, PRESETS)]
    config = {**preset["config"], **overrides}
    if "units" in overrides:
        config.pop("param_budget", None)
    if preset["builder"].endswith("baseline"):
        kind = config.pop("kind")
        return getattr(zoo, preset["builder"])(kind, name=name, **config)
    return getattr(zoo, preset["builder"])(name=name, **config)
