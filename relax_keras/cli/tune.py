"""`relax-keras tune`: a KerasTuner search of L_W / L_T under a parameter budget."""

import argparse
import json
import os
import pathlib

from relax_keras.cli import arguments
from relax_keras.cli.arguments import POLICIES

STRATEGIES = ("default", "mirrored")
# what a job trains; `max_trials` may grow between runs of the same job
JOB_SETTINGS = ("task", "budget", "depth", "encoding", "tuner", "epochs", "steps_per_epoch", "validation_steps",
                "policy", "strategy", "batch_size", "seq_len", "seed", "source", "local_dir", "data_dir")


def add_parser(subparsers):
    parser = subparsers.add_parser(
        "tune",
        help="search L_W, L_T, schedule, activation and learning rate under a budget",
        description="Runs or resumes a KerasTuner search (rerun the same command to "
        "continue a killed job). Distributed: start the same command in several "
        "processes with KERASTUNER_ORACLE_IP, KERASTUNER_ORACLE_PORT and "
        "KERASTUNER_TUNER_ID (chief, tuner0, tuner1, ...).",
    )
    parser.add_argument("task", nargs="?", choices=arguments.TASKS, help="the task (or give it in --spec)")
    parser.add_argument("--spec", help="a JSON job specification (see tuning/specs/)")
    parser.add_argument("--budget", type=arguments.positive_int, help="the most parameters of every model")
    parser.add_argument("--depth", type=arguments.positive_int, help="fix the depth L_W * L_T")
    parser.add_argument("--encoding", choices=arguments.ENCODINGS,
                        help="the input mode (default: the task's first: rows for images)")
    parser.add_argument("--tuner", choices=("random", "bayesian", "hyperband"), default="random", help="KerasTuner's search algorithm")
    parser.add_argument("--max-trials", type=arguments.positive_int, default=10, help="trials of a random or bayesian search (a rerun may raise it)")
    parser.add_argument("--epochs", type=arguments.positive_int, default=3, help="epochs per trial (hyperband: the most)")
    parser.add_argument("--steps-per-epoch", type=arguments.positive_int, help="batches per epoch (default: the whole training split)")
    parser.add_argument("--validation-steps", type=arguments.positive_int,
                        help="validation batches scored per epoch (default: the whole validation split)")
    parser.add_argument("--policy", choices=POLICIES, default="float32", help="mixed precision")
    parser.add_argument("--strategy", choices=STRATEGIES, default="default",
                        help="tf.distribute strategy of each trial's training")
    parser.add_argument("--directory", default="tuning/runs", help="where KerasTuner keeps its jobs")
    parser.add_argument("--project-name", help="the job's folder in --directory (default: TASK_BUDGET)")
    parser.add_argument("--verbose", type=arguments.verbosity(1), default=1, help="KerasTuner's reports: 0 or 1")
    arguments.add_data_options(parser)
    parser.set_defaults(handler=run, parser=parser)


def load_spec(parser, args):
    """Fills the options a job specification gives, each checked as its flag is (errors
    name the key); the command line wins."""
    from relax_keras._files import read_json_object

    spec = {key: value for key, value in read_json_object(args.spec).items() if value is not None}
    options = set(vars(parser.parse_args([]))) - {"handler", "parser", "spec"}
    unknown = sorted(set(spec) - options)
    if unknown:
        raise ValueError(f"Job specification {args.spec} has unknown keys {unknown}.")
    explicit = vars(parser.parse_args(args.argv[1:], namespace=argparse.Namespace(**{k: None for k in vars(args)})))
    parser.exit_on_error = False  # a bad value raises `ArgumentError`, named here by its key
    try:
        for key, value in spec.items():
            try:
                checked = getattr(parser.parse_args(spec_tokens(key, value)), key)
            except argparse.ArgumentError as error:
                raise ValueError(f"Job specification {args.spec}, key {key!r}: {error}") from None
            if explicit.get(key) is None:
                setattr(args, key, checked)
    finally:
        parser.exit_on_error = True


def spec_tokens(key, value):
    """The command-line tokens that give the option `key` the JSON value `value`."""
    text = value if isinstance(value, str) else json.dumps(value)
    return [text] if key == "task" else ["--" + key.replace("_", "-"), text]


def run(args):
    import keras_tuner

    from relax_keras._files import ensure_room
    from relax_keras.tuning.failures import SearchStopped
    from relax_keras.cli.epoch_backup import saved_size
    from relax_keras.cli.tasks import dataset
    from relax_keras.tuning.job import run_job
    from relax_keras.tuning.settings_guard import check_settings

    if args.spec:
        load_spec(args.parser, args)
    if args.task is None or args.budget is None:
        raise ValueError("`relax-keras tune` needs a task and --budget (or a --spec that gives them).")
    project = pathlib.Path(args.directory) / (args.project_name or f"{args.task}_{args.budget}")
    settings = {key: getattr(args, key) for key in JOB_SETTINGS}
    if (project / "job_settings.json").exists():  # a rerun: refused before any work if it differs
        check_settings(project / "job_settings.json", settings, f"The tuning job {project}")

    def record_settings():
        check_settings(project / "job_settings.json", settings, f"The tuning job {project}")
        print(f"Tuning job in {project}")
    strategy = None
    if args.strategy == "mirrored":
        import tensorflow as tf

        strategy = tf.distribute.MirroredStrategy()
    try:
        tuner = run_job(
            args.task, args.budget, dataset(args, "train"), dataset(args, "validation"),
            tuner=args.tuner, max_trials=args.max_trials, epochs=args.epochs,
            directory=args.directory, project_name=args.project_name, seed=args.seed,
            depth=args.depth, encoding=args.encoding, policy=args.policy,
            steps_per_epoch=args.steps_per_epoch, validation_steps=args.validation_steps,
            distribution_strategy=strategy,
            verbose=args.verbose, before_search=record_settings,
        )
    except keras_tuner.errors.FatalError as error:  # a trial failed outside the model
        raise SearchStopped(str(error)) from error
    best = tuner.oracle.get_best_trials(1)
    if best:
        print(json.dumps({"best": best[0].hyperparameters.values, "val_loss": best[0].score}))
        if os.environ.get("KERASTUNER_TUNER_ID", "chief") == "chief":  # not on a worker
            best_model = tuner.get_best_models(1)[0]
            ensure_room(project, saved_size(best_model))
            best_model.save(project / "best_model.keras")
            print(f"wrote {project / 'best_model.keras'}")
