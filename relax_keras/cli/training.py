"""`relax-keras train`: train a zoo model, resumably, and write its run directory."""

import csv
import json
import os
import platform
import shutil
import time

import keras

from relax_keras._provenance import provenance
from relax_keras.cli.epoch_backup import EpochBackup
from relax_keras.cli.epoch_backup import restore
from relax_keras.cli.epoch_backup import saved_size
from relax_keras.cli.run_directory import RunDirectory
from relax_keras import tasks
from relax_keras.cli.tasks import build_model
from relax_keras.cli.tasks import dataset
from relax_keras._extras import available
from relax_keras._extras import require
from relax_keras._files import ensure_room
from relax_keras._files import write_atomically
from relax_keras._provenance import cpu_model_and_flags
from relax_keras.saving import load_model

# options that do not change what is trained, so a resumed run may differ in them
RESUME_INDEPENDENT = ("overwrite", "verbose", "command", "handler", "argv", "score_test")


class EpochSeconds(keras.callbacks.Callback):
    """Adds each epoch's wall time to its logs (and so to history.csv)."""

    def on_epoch_begin(self, epoch, logs=None):
        self._start = time.perf_counter()

    def on_epoch_end(self, epoch, logs=None):
        logs["epoch_seconds"] = time.perf_counter() - self._start


def plot_learning_curve(history_path, image_path, loss_label):
    matplotlib = require("matplotlib", "The learning curve of `relax-keras train`")

    matplotlib.use("Agg")
    from matplotlib import pyplot

    with open(history_path) as file:
        rows = list(csv.DictReader(file))
    epochs = [int(row["epoch"]) + 1 for row in rows]
    accuracy = bool(rows) and "accuracy" in rows[0]
    figure, axes = pyplot.subplots(1, 1 + accuracy, figsize=(6 + 5 * accuracy, 4), squeeze=False)
    panels = [("loss", loss_label)] + [("accuracy", "accuracy")] * accuracy
    for axis, (metric, label) in zip(axes.flat, panels):
        for key, split in ((metric, "train"), (f"val_{metric}", "validation")):
            if rows and key in rows[0]:
                axis.plot(epochs, [float(row[key]) for row in rows], marker="o", label=split)
        axis.set_xlabel("epoch")
        axis.set_ylabel(label)
        axis.xaxis.get_major_locator().set_params(integer=True)  # whole epochs only
        axis.legend()
        axis.grid(alpha=0.3)
    figure.tight_layout()
    figure.savefig(image_path, dpi=100)
    pyplot.close(figure)


def machine():
    """Returns a one-line description of this machine's processor."""
    return f"{cpu_model_and_flags()[0]}, {os.cpu_count()} cores, {platform.system()}"


class NonFiniteLoss(ValueError):
    """Training stopped because the loss became NaN or infinite."""


class StopOnNonFiniteLoss(keras.callbacks.TerminateOnNaN):
    """Keras's `TerminateOnNaN`, remembering the batch it stopped at, so the run can fail."""

    stopped_at = None

    def on_batch_end(self, batch, logs=None):
        super().on_batch_end(batch, logs)
        if self.model.stop_training and self.stopped_at is None:
            self.stopped_at = (batch, (logs or {}).get("loss"))


def optional_outputs():
    """The outputs whose packages this install has (TensorBoard logs, the learning-curve
    figure); says once which are skipped and which extra brings them."""
    outputs = {"tensorboard": available("tensorboard"), "matplotlib": available("matplotlib")}
    missing = [name for name, present in outputs.items() if not present]
    if missing:
        print(f"Skipping {' and '.join({'tensorboard': 'TensorBoard logs', 'matplotlib': 'the learning-curve figure'}[m] for m in missing)}: "
              f"{', '.join(missing)} not installed (pip install 'relax-keras[plots]').")
    return outputs


def run(args):
    settings = {k: v for k, v in vars(args).items() if k not in RESUME_INDEPENDENT}
    run_dir = RunDirectory(args.output)
    run_dir.check(settings, args.overwrite)  # before any work: nothing written yet
    keras.utils.set_random_seed(args.seed)
    keras.config.set_dtype_policy(args.policy)
    model = build_model(args)
    train = dataset(args, "train")
    validation = dataset(args, "validation")
    # read only when asked, and before any work, so that a missing test split fails early
    test = dataset(args, "test", scoring=True) if args.score_test else None
    action = run_dir.open(settings, args.overwrite)
    data_source = args.local_dir or args.source or "the default sources (relax_keras.data)"
    print(f"Training {model.name} ({model.count_params():,} parameters) on {args.task}, data from "
          f"{data_source}, for {args.epochs} epochs, into {run_dir.path}.")
    outputs = optional_outputs()
    try:
        if run_dir.trained:
            print(f"Training in {run_dir.path} had finished; evaluating its model.")
            model = load_model(run_dir.path / "model.keras")
        else:
            if action == "resume":
                print(f"Resuming the interrupted run in {run_dir.path}.")
            fit(args, model, train, validation, run_dir.path, outputs["tensorboard"])
        finish(args, model, run_dir.path, settings, test, outputs["matplotlib"])
    finally:
        run_dir.close()


def fit(args, model, train, validation, path, tensorboard=True):
    """Trains `model` into the run folder `path`; raises `NonFiniteLoss` (leaving the run
    unfinished, its last good epoch backed up) when the loss becomes NaN or infinite."""
    optimizer = model.optimizer
    steps = args.steps_per_epoch or int(train.cardinality())
    if args.cosine_decay or args.weight_decay:
        learning_rate = float(optimizer.learning_rate.numpy())
        if args.cosine_decay:
            learning_rate = keras.optimizers.schedules.CosineDecay(learning_rate, args.epochs * steps)
        if args.weight_decay:
            optimizer = keras.optimizers.AdamW(learning_rate, weight_decay=args.weight_decay,
                                               clipnorm=optimizer.clipnorm)
        else:
            optimizer = keras.optimizers.Adam(learning_rate, clipnorm=optimizer.clipnorm)
    model.compile(optimizer=optimizer, loss=model.loss, metrics=["accuracy"], jit_compile=args.jit)
    finished_epochs = restore(model, path / "backup")
    keep_finished_epochs(path / "history.csv", finished_epochs)
    non_finite = StopOnNonFiniteLoss()
    # one pass over the repeated data, epoch after epoch: a resumed run skips the batches
    # of its finished epochs and sees the same batches as an uninterrupted one
    model.fit(
        train.repeat().skip(finished_epochs * steps),
        validation_data=validation,
        validation_steps=args.validation_steps,
        epochs=args.epochs,
        initial_epoch=finished_epochs,
        steps_per_epoch=steps,
        verbose=args.verbose,
        shuffle=False,  # the dataset shuffles itself; Keras warns on its default `True`
        callbacks=[
            non_finite,
            EpochSeconds(),
            keras.callbacks.CSVLogger(str(path / "history.csv"), append=True),
            EpochBackup(path / "backup"),  # after the CSV row
            *([keras.callbacks.TensorBoard(str(path / "logs"))] if tensorboard else []),
        ],
    )
    if non_finite.stopped_at is not None:
        batch, loss = non_finite.stopped_at
        raise NonFiniteLoss(
            f"Training stopped: the loss became {loss} at batch {batch} of epoch "
            f"{len(model.history.epoch) + finished_epochs}; the run in {path} is not finished. "
            "Lower the learning rate or the noise, or check the data."
        )
    temporary = path / ".model.tmp.keras"
    ensure_room(path, saved_size(model))
    model.save(temporary)
    os.replace(temporary, path / "model.keras")  # the finished training survives an interrupt
    shutil.rmtree(path / "backup")  # its own folder, no longer needed


def keep_finished_epochs(history, done):
    """Drops the rows of `history` past the `done` epochs the backup holds: an interrupt
    between an epoch's row and its backup repeats that epoch, and its row must not
    stand twice."""
    if not history.exists():
        return
    with open(history) as file:
        lines = file.read().splitlines(keepends=True)
    rows = lines[1:]
    first_field = lambda row: row.split(",", 1)[0].strip()
    kept = [row for row in rows if first_field(row).isdigit() and int(first_field(row)) < done
            and row.endswith("\n")]
    if len(kept) != len(rows):
        write_atomically(history, "".join(lines[:1] + kept))


def finish(args, model, path, settings, test=None, figure=True):
    """Scores the validation split (and `test`, given with --score-test), then writes
    metrics.json and (with matplotlib installed) the learning curve."""
    task = tasks.get(args.task)
    metrics = {"validation": task.evaluate(model, dataset(args, "validation", scoring=True))}
    if test is not None:
        metrics["test"] = task.evaluate(model, test)
    with open(path / "history.csv") as file:
        seconds = sum(float(row["epoch_seconds"]) for row in csv.DictReader(file))
    report = {
        "task": args.task,
        "model": model.name,
        "params": model.count_params(),
        "metrics": metrics,
        "evaluation_context": task.context,
        "train_seconds": round(seconds, 1),
        "machine": machine(),
        "keras": keras.__version__,
        "provenance": provenance(),  # the commit, the CPU and the versions that made it
        "settings": settings,
    }
    if figure:
        plot_learning_curve(path / "history.csv", path / "learning_curve.png", task.loss_label)
    write_atomically(path / "metrics.json", json.dumps(report, indent=2) + "\n")
    print(json.dumps({"params": report["params"], **metrics}, indent=2))
    written = ["history.csv"] + ["learning_curve.png"] * figure + ["logs/"] * (path / "logs").is_dir()
    print(f"wrote {path / 'model.keras'}, {path / 'metrics.json'}, {', '.join(written)}")
