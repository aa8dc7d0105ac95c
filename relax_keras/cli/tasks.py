"""What the command line reads from its task (`relax_keras.tasks`): models and data."""

from relax_keras import nonideal
from relax_keras import tasks
from relax_keras import zoo

# command-line option -> zoo argument, for the options every ReLaX model takes
MODEL_OPTIONS = (
    "weight_sets", "repeats", "schedule", "units", "param_budget", "activation",
    "input_injection", "steps_per_input",
)


def model_arguments(args):
    """Returns the zoo arguments the user gave on the command line; refuses options of
    other tasks' models."""
    task = tasks.get(args.task)
    foreign = sorted({name for other in tasks.TASKS.values() for name in other.model_options}
                     - set(task.model_options))
    given_elsewhere = [name for name in foreign if getattr(args, name, None) is not None]
    if given_elsewhere:
        raise ValueError(f"Not options of task {task.name!r}: {_flags(given_elsewhere)} (its own "
                         f"model options are {_flags(task.model_options)}, besides the common ones).")
    names = MODEL_OPTIONS + task.model_options
    given = {name: getattr(args, name, None) for name in names}
    given.update(non_idealities(args, given["activation"]))
    return {name: value for name, value in given.items() if value is not None}


def _flags(names):
    return ", ".join("--" + name.replace("_", "-") for name in names)


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
        return zoo.from_preset(args.preset, task=args.task, weights=weights, **arguments)
    return tasks.get(args.task).build_relax(weights=weights, **arguments)


def dataset(args, split, scoring=False):
    """Returns the `tf.data.Dataset` of a split of `args.task`: the training split
    shuffled with `--seed` (and repeated with `--steps-per-epoch`, so that epochs of a
    fixed number of batches walk on through the data), the others in order;
    `scoring=True` for the batches a model is scored on (see
    `relax_keras.tasks.Task.dataset`)."""
    task = tasks.get(args.task)
    training = split == "train"
    return task.dataset(
        split, batch_size=args.batch_size, seed=args.seed, shuffle=training,
        repeat=training and bool(getattr(args, "steps_per_epoch", None)), scoring=scoring, sources=dict(source=args.source, local_dir=args.local_dir, data_dir=args.data_dir),
        **{name: getattr(args, name) for name in task.data_options},
    )
