"""`relax-keras train`: train a zoo model, resumably, and write its run directory."""

import csv
import json
import os
import pathlib
import platform
import shutil
import time

import keras

from relax_keras.cli import arguments
from relax_keras.cli.tasks import EVALUATION_CONTEXT
from relax_keras.cli.tasks import build_model
from relax_keras.cli.tasks import dataset
from relax_keras.cli.tasks import evaluate

POLICIES = ("float32", "mixed_float16", "mixed_bfloat16")
# options that do not change what is trained, so a resumed run may differ in them
RESUME_INDEPENDENT = ("overwrite", "verbose", "command", "handler", "argv")


def add_parser(subparsers):
    parser = subparsers.add_parser(
        "train",
        help="train a model; rerun the same command to resume an interrupted run",
        description="Trains a zoo model and writes model.keras, metrics.json, "
        "history.csv, learning_curve.png and TensorBoard logs to --output. Rerunning "
        "the same command continues an interrupted run from its last finished epoch.",
    )
    arguments.add_task(parser)
    arguments.add_model_options(parser)
    arguments.add_data_options(parser)
    parser.add_argument("--weights", help="initial weights: a pretrained name or a .weights.h5 path")
    parser.add_argument("--epochs", type=int, default=10)
    parser.add_argument("--steps-per-epoch", type=int, help="limit the batches of an epoch")
    parser.add_argument("--learning-rate", type=float, help="default: the zoo model's")
    parser.add_argument("--cosine-decay", action="store_true",
                        help="decay the learning rate to 0 over the run (cosine)")
    parser.add_argument("--policy", choices=POLICIES, default="float32", help="mixed precision")
    parser.add_argument("--jit", action="store_true", help="compile training steps with XLA")
    parser.add_argument("--output", required=True, help="the run directory")
    parser.add_argument("--overwrite", action="store_true", help="replace a finished run")
    parser.add_argument("--verbose", type=int, default=1, help="Keras progress bar: 0, 1 or 2")
    parser.set_defaults(handler=run)
    return parser


class EpochSeconds(keras.callbacks.Callback):
    """Adds each epoch's wall time to its logs (and so to history.csv)."""

    def on_epoch_begin(self, epoch, logs=None):
        self._start = time.perf_counter()

    def on_epoch_end(self, epoch, logs=None):
        logs["epoch_seconds"] = time.perf_counter() - self._start


def prepare_run_directory(output, settings, overwrite):
    """Creates the run directory, or checks that an existing one can be resumed.

    Returns `True` when an interrupted run is resumed.
    """
    run_dir = pathlib.Path(output)
    config_path = run_dir / "run_config.json"
    if run_dir.exists() and any(run_dir.iterdir()):
        if overwrite:
            shutil.rmtree(run_dir)
        elif (run_dir / "metrics.json").exists():
            raise SystemExit(
                f"error: the run directory {run_dir} holds a finished run; pass "
                "--overwrite to replace it or choose another --output."
            )
        elif not config_path.exists():
            raise SystemExit(
                f"error: {run_dir} is not empty and is not a relax-keras run; choose "
                "another --output."
            )
        else:
            previous = json.loads(config_path.read_text())
            if previous != settings:
                changed = sorted(k for k in settings.keys() | previous.keys()
                                 if settings.get(k) != previous.get(k))
                raise SystemExit(
                    f"error: {run_dir} holds an interrupted run with other settings "
                    f"({', '.join(changed)}); rerun it with the same options, pass "
                    "--overwrite, or choose another --output."
                )
            return True
    run_dir.mkdir(parents=True, exist_ok=True)
    config_path.write_text(json.dumps(settings, indent=2) + "\n")
    return False


def plot_learning_curve(history_path, image_path, task):
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import pyplot

    with open(history_path) as file:
        rows = list(csv.DictReader(file))
    epochs = [int(row["epoch"]) + 1 for row in rows]
    figure, axis = pyplot.subplots(figsize=(6, 4))
    for key, label in (("loss", "train"), ("val_loss", "validation")):
        if rows and key in rows[0]:
            axis.plot(epochs, [float(row[key]) for row in rows], marker="o", label=label)
    axis.set_xlabel("epoch")
    axis.set_ylabel("loss (nats per character)" if task == "shakespeare" else "loss")
    axis.legend()
    axis.grid(alpha=0.3)
    figure.tight_layout()
    figure.savefig(image_path, dpi=100)
    pyplot.close(figure)


def machine():
    """Returns a one-line description of this machine's processor."""
    name = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo") as file:
            name = next(line.split(":", 1)[1].strip() for line in file if line.startswith("model name"))
    except (OSError, StopIteration):
        pass
    return f"{name}, {os.cpu_count()} cores, {platform.system()}"


def run(args):
    settings = {k: v for k, v in vars(args).items() if k not in RESUME_INDEPENDENT}
    resumed = prepare_run_directory(args.output, settings, args.overwrite)
    run_dir = pathlib.Path(args.output)
    keras.utils.set_random_seed(args.seed)
    keras.config.set_dtype_policy(args.policy)
    model = build_model(args)
    train = dataset(args, "train")
    optimizer = model.optimizer
    if args.cosine_decay:
        steps = args.steps_per_epoch or int(train.cardinality())
        optimizer = keras.optimizers.Adam(
            keras.optimizers.schedules.CosineDecay(
                float(optimizer.learning_rate.numpy()), args.epochs * steps),
            clipnorm=optimizer.clipnorm,
        )
    model.compile(optimizer=optimizer, loss=model.loss, metrics=["accuracy"], jit_compile=args.jit)
    validation = dataset(args, "validation", shuffle=False)
    if resumed:
        print(f"Resuming the interrupted run in {run_dir}.")
    model.fit(
        train,
        validation_data=validation,
        epochs=args.epochs,
        steps_per_epoch=args.steps_per_epoch,
        verbose=args.verbose,
        callbacks=[
            EpochSeconds(),
            keras.callbacks.CSVLogger(str(run_dir / "history.csv"), append=True),
            # after the CSV row, so that a resumed run neither loses nor repeats a row
            keras.callbacks.BackupAndRestore(str(run_dir / "backup")),
            keras.callbacks.TensorBoard(str(run_dir / "logs")),
        ],
    )
    model.save(run_dir / "model.keras")
    final_validation = dataset(args, "validation", shuffle=False, evaluation=True)
    metrics = {"validation": evaluate(args, model, final_validation)}
    try:
        test = dataset(args, "test", shuffle=False, evaluation=True)
    except FileNotFoundError as error:
        print(f"No test split evaluated: {error}")
    else:
        metrics["test"] = evaluate(args, model, test)
    with open(run_dir / "history.csv") as file:
        seconds = sum(float(row["epoch_seconds"]) for row in csv.DictReader(file))
    report = {
        "task": args.task,
        "model": model.name,
        "params": model.count_params(),
        "metrics": metrics,
        "evaluation_context": EVALUATION_CONTEXT if args.task == "shakespeare" else None,
        "train_seconds": round(seconds, 1),
        "machine": machine(),
        "keras": keras.__version__,
        "settings": settings,
    }
    (run_dir / "metrics.json").write_text(json.dumps(report, indent=2) + "\n")
    plot_learning_curve(run_dir / "history.csv", run_dir / "learning_curve.png", args.task)
    print(json.dumps({"params": report["params"], **metrics}, indent=2))
