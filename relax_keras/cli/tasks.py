"""The tasks the command line knows: how to build their models and read their data."""

from relax_keras import data
from relax_keras import nonideal
from relax_keras import zoo
from relax_keras.zoo.text_metrics import character_loss

from relax_keras.cli.arguments import TASKS  # noqa: F401  (the command line's tasks)

# command-line option -> zoo argument, for the options every ReLaX model takes
MODEL_OPTIONS = (
    "weight_sets", "repeats", "schedule", "units", "param_budget", "activation",
    "input_injection", "steps_per_input",
)


def model_arguments(args):
    """Returns the zoo arguments the user gave on the command line."""
    names = MODEL_OPTIONS + (("embedding_dim", "dropout") if args.task == "shakespeare" else ("encoding", "augmentation"))
    given = {name: getattr(args, name, None) for name in names}
    if isinstance(given["schedule"], str) and "," in given["schedule"]:
        given["schedule"] = [int(position) for position in given["schedule"].split(",")]
    given.update(non_idealities(args, given["activation"]))
    return {name: value for name, value in given.items() if value is not None}


def non_idealities(args, activation):
    """Returns the zoo arguments for the non-ideality options that were given."""
    arguments = {}
    additive = getattr(args, "node_noise", None)
    multiplicative = getattr(args, "node_noise_multiplicative", None)
    if additive or multiplicative:
        arguments["activation"] = nonideal.NodeNoise(
            activation or "tanh", additive_stddev=additive or 0.0,
            multiplicative_stddev=multiplicative or 0.0,
        )
    programming = []
    if getattr(args, "programming_noise", None):
        programming.append(nonideal.ProgrammingNoise(relative_stddev=args.programming_noise))
    if getattr(args, "weight_bits", None):
        programming.append(nonideal.Quantization(args.weight_bits, args.weight_limit))
    if programming:
        arguments["weight_programming"] = programming
    return arguments


def build_model(args):
    """Builds the model of `args.task` from a preset or the model options."""
    arguments = model_arguments(args)
    if getattr(args, "learning_rate", None) is not None:
        arguments["learning_rate"] = args.learning_rate
    weights = getattr(args, "weights", None)
    if args.preset:
        if not args.preset.startswith(args.task):
            raise ValueError(
                f"Preset {args.preset!r} is not a {args.task} preset; choose one of "
                f"{[name for name in zoo.PRESETS if name.startswith(args.task)]}."
            )
        model = zoo.from_preset(args.preset, **arguments)
        if weights:
            zoo.architecture.load_weights(model, weights)
        return model
    if args.task == "shakespeare":
        return zoo.shakespeare_relax(weights=weights, **arguments)
    if args.task == "svhn":
        return zoo.svhn_relax(weights=weights, **arguments)
    return zoo.image_relax(data.IMAGE_DATASETS[args.task].image_shape, weights=weights, **arguments)


# Characters of unscored context before each scored window when text is evaluated.
EVALUATION_CONTEXT = 100


def dataset(args, split, shuffle=None, evaluation=False):
    """Returns the `tf.data.Dataset` of a split of `args.task`.

    With `evaluation=True`, text windows carry `EVALUATION_CONTEXT` characters of
    unscored context (see `relax_keras.data.tiny_shakespeare`).

    With `--steps-per-epoch`, the training split repeats, so that epochs of a fixed
    number of batches walk on through the data instead of stopping at its end.
    """
    sources = dict(source=args.source, local_dir=args.local_dir, data_dir=args.data_dir)
    if args.task == "shakespeare":
        split_dataset = data.tiny_shakespeare(
            split, seq_len=args.seq_len, batch_size=args.batch_size, shuffle=shuffle,
            seed=args.seed, context=EVALUATION_CONTEXT if evaluation else 0, **sources,
        )
    else:
        split_dataset = data.image_dataset(
            args.task, split, encoding="image", batch_size=args.batch_size, shuffle=shuffle,
            seed=args.seed, **sources,
        )
    if split == "train" and getattr(args, "steps_per_epoch", None):
        return split_dataset.repeat()
    return split_dataset


def evaluate(args, model, split_dataset):
    """Returns the metrics of `model` on a split: for text, nats and bits per scored
    character (`relax_keras.zoo.text_metrics`); for images, Keras's loss and accuracy."""
    if args.task == "shakespeare":
        return character_loss(model, split_dataset)
    return {name: float(value) for name, value in
            model.evaluate(split_dataset, verbose=0, return_dict=True).items()}
