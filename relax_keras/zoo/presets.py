"""The zoo's presets: one record per name (builder, config, metadata, weights).

A record holds:
- `builder`: the `relax_keras.zoo` builder that makes it (called with `config`);
- `task`: the `relax_keras.tasks` task it is for;
- `config`: the constructor's arguments;
- `params`: its exact parameter count (tests check it);
- `description`: one line;
- `card`: the model card (a path in the repository's `zoo/` folder) or `None`;
- `weights`: `None`, or the shipped weights: `file` in `relax_keras/zoo/weights/` and
  its `sha256` (a record with weights is also a `weights=` name of its builder, which
  then fixes the architecture).

The architecture presets put each task's models at one parameter budget and
effective depth D = L_W * L_T = 4: the RNN end (L_W = 1), the DNN end (L_T = 1), the
balanced ReLaX-Net (L_W = L_T = 2) and Keras SimpleRNN / GRU / LSTM baselines.
"""

from relax_keras._validation import one_of
from relax_keras.zoo.baselines import char_rnn_baseline
from relax_keras.zoo.baselines import image_rnn_baseline
from relax_keras.zoo.causal_lm import shakespeare_relax
from relax_keras.zoo.image_classifier import image_relax

__all__ = ["PRESETS", "PRESET_ALIASES", "PRESET_PARAMS", "canonical_name", "from_preset"]

# (name suffix, L_W, L_T, description of the family member)
_RELAX_FAMILY = (
    ("rnn", 1, 4, "RNN end, one weight set reused 4 times"),
    ("dnn", 4, 1, "DNN end, 4 weight sets used once each"),
    ("relax", 2, 2, "balanced ReLaX-Net, 2 weight sets x 2 repeats"),
)
_KERAS_FAMILY = (("simple_rnn", "SimpleRNN"), ("gru", "GRU"), ("lstm", "LSTM"))


def _relax_family(prefix, task, builder, budget, params, extra):
    return {
        f"{prefix}_{suffix}": _record(
            builder, task, {"weight_sets": w, "repeats": r, "param_budget": budget, **extra},
            count, f"{prefix}: {description}, <= {budget:,} parameters.")
        for (suffix, w, r, description), count in zip(_RELAX_FAMILY, params)
    }


def _keras_family(prefix, task, builder, budget, params, extra):
    return {
        f"{prefix}_{kind}": _record(
            builder, task, {"kind": kind, "param_budget": budget, **extra}, count,
            f"{prefix}: keras.layers.{layer} sized to <= {budget:,} parameters.")
        for (kind, layer), count in zip(_KERAS_FAMILY, params)
    }


def _record(builder, task, config, params, description, card=None, weights=None):
    return {"builder": builder, "task": task, "config": config, "params": params,
            "description": description, "card": card, "weights": weights}


MNIST_IMAGE = {"input_shape": (28, 28, 1), "classes": 10}
SVHN_IMAGE = {"input_shape": (32, 32, 3), "classes": 10}

PRESETS = {
    **_relax_family("shakespeare", "shakespeare", shakespeare_relax, 250_000,
                    (249_936, 249_587, 248_988), {}),
    **_keras_family("shakespeare", "shakespeare", char_rnn_baseline, 250_000,
                    (249_936, 249_607, 248_178), {}),
    **_relax_family("mnist_rows", "mnist", image_relax, 100_000,
                    (99_802, 98_810, 99_268), {"encoding": "rows", **MNIST_IMAGE}),
    **_relax_family("mnist_flat", "mnist", image_relax, 100_000,
                    (99_670, 99_799, 99_710), {"encoding": "flat", **MNIST_IMAGE}),
    **_keras_family("mnist_rows", "mnist", image_rnn_baseline, 100_000,
                    (99_802, 99_278, 99_824), MNIST_IMAGE),
    **_relax_family("svhn_rows", "svhn", image_relax, 250_000,
                    (249_654, 248_754, 249_184), {"encoding": "rows", **SVHN_IMAGE}),
    **_relax_family("svhn_flat", "svhn", image_relax, 250_000,
                    (249_887, 246_677, 249_413), {"encoding": "flat", **SVHN_IMAGE}),
    **_keras_family("svhn_rows", "svhn", image_rnn_baseline, 250_000,
                    (249_654, 249_270, 249_700), SVHN_IMAGE),
    # pretrained: `ReLaXCausalLM.from_preset("relax_2x2_tiny_shakespeare")`,
    # `shakespeare_relax(weights="relax_2x2_tiny_shakespeare")`
    "relax_2x2_tiny_shakespeare": _record(
        shakespeare_relax, "shakespeare",
        {"embedding_dim": 48, "weight_sets": 2, "repeats": 2, "schedule": "blocked",
         "units": 323, "activation": "tanh", "input_injection": "every",
         "steps_per_input": None, "dropout": 0.0},
        248_988, "Tiny Shakespeare character model, trained (see its card).",
        card="zoo/shakespeare_relax_tiny_shakespeare.md",
        weights={"file": "shakespeare_relax_tiny_shakespeare.weights.h5",
                 "sha256": "ef00a1bb3614401eb68bf93695831953d9164d3ea375a39331df4149dea5aeb7"}),
    "relax_2x2_mnist_flat": _record(
        image_relax, "mnist",
        {"input_shape": (28, 28, 1), "classes": 10, "encoding": "flat", "weight_sets": 2,
         "repeats": 2, "schedule": "blocked", "units": 100, "activation": "relu",
         "input_injection": "every", "steps_per_input": None, "augmentation": 0.1},
        99_710, "MNIST flat-image classifier, trained (see its card).",
        card="zoo/image_relax_mnist.md",
        weights={"file": "image_relax_mnist.weights.h5",
                 "sha256": "265ca4674b284d64fe4f13f66daa2de27baf5a2b2ecd1a4f3db48bb786f063b1"}),
}

# earlier names, still accepted everywhere a preset or weights name is
PRESET_ALIASES = {"tiny_shakespeare": "relax_2x2_tiny_shakespeare", "mnist": "relax_2x2_mnist_flat"}

PRESET_PARAMS = {name: record["params"] for name, record in PRESETS.items()}


def canonical_name(preset):
    """Returns the preset's name, its alias resolved; `ValueError` for an unknown one."""
    preset = PRESET_ALIASES.get(preset, preset)
    return one_of("preset", preset, PRESETS)


def from_preset(name, task=None, weights=None, **overrides):
    """Builds a preset's model; `overrides` replace entries of its config.

    Args:
        name: str, a key of `PRESETS`.
        task: str or `None`: the task the preset must be for (the command line's).
        weights: `None` (a preset's shipped weights, if it has any) or a
            `.weights.h5` path to load instead.
        **overrides: builder arguments that replace the preset's; with shipped
            weights, only those that leave the architecture as it is (`name`,
            `weight_programming`, `learning_rate`, ...).

    Example:

    >>> model = from_preset("mnist_rows_relax")
    >>> model.count_params() == PRESETS["mnist_rows_relax"]["params"]
    True
    """
    name = canonical_name(name)
    record = PRESETS[name]
    if task is not None and record["task"] != task:
        choices = [key for key, other in PRESETS.items() if other["task"] == task]
        raise ValueError(f"Preset {name!r} is not a {task} preset; choose one of {choices}.")
    config = {**record["config"], **overrides}
    if "units" in overrides:
        config.pop("param_budget", None)
    if weights is None and record["weights"] is not None:
        weights = name
    return record["builder"](name=name, weights=weights, **config)
