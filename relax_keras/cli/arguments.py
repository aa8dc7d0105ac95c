"""Command-line options shared by several `relax-keras` commands."""

import argparse
import math

from relax_keras.tasks import TASKS as _TASKS
from relax_keras.tasks.image_task import ImageTask
from relax_keras.tasks.image_task import RECURRENT_BASELINES

TASKS = tuple(_TASKS)
ENCODINGS = tuple(dict.fromkeys(e for task in _TASKS.values() for e in task.encodings))
IMAGE_ENCODINGS = ImageTask.encodings
POLICIES = ("float32", "mixed_float16", "mixed_bfloat16")


def positive_int(text):
    """argparse type: an integer >= 1."""
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1 or str(value) != text.strip():
        raise argparse.ArgumentTypeError(f"expected a positive integer, got {text!r}")
    return value


def characters(text):
    """argparse type: a number of characters to generate, 1 to 100,000."""
    from relax_keras.zoo.generation import MOST_CHARACTERS

    value = positive_int(text)
    if value > MOST_CHARACTERS:
        raise argparse.ArgumentTypeError(f"expected at most {MOST_CHARACTERS:,} characters, got {text!r}")
    return value


def finite_float(low, high=math.inf, *, above=False, below=False):
    """argparse type factory: a finite number from `low` (or `above` it) to `high` (or
    `below` it); NaN and infinities are refused, so no run trains on them."""
    interval = (f"> {low}" if above else f">= {low}") + (
        "" if high == math.inf else f" and {'<' if below else '<='} {high}")

    def parse(text):
        try:
            value = float(text)
        except ValueError:
            value = math.nan
        if not (math.isfinite(value) and (value > low if above else value >= low)
                and (value < high if below else value <= high)):
            raise argparse.ArgumentTypeError(f"expected a finite number {interval}, got {text!r}")
        return value

    parse.__name__ = f"number {interval}"  # argparse names the type in its messages
    return parse


positive_float = finite_float(0, above=True)
non_negative_float = finite_float(0)
fraction = finite_float(0, 1, below=True)


def verbosity(most):
    """argparse type factory: an integer from 0 to `most`."""
    def parse(text):
        if text.strip() not in {str(level) for level in range(most + 1)}:
            raise argparse.ArgumentTypeError(f"expected an integer from 0 to {most}, got {text!r}")
        return int(text)

    return parse


def schedule(text):
    """argparse type: `blocked`, `cyclic`, or weight-set indices separated by commas."""
    if text in ("blocked", "cyclic"):
        return text
    try:
        return [int(position) for position in text.split(",")]
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"expected blocked, cyclic or weight-set indices separated by commas (e.g. 0,1,1,0), got {text!r}"
        ) from None


def add_task(parser):
    parser.add_argument("task", choices=TASKS, help="the task: its data and its model family")


def add_model_options(parser):
    group = parser.add_argument_group("model (defaults: the task's zoo constructor)")
    group.add_argument("--preset", help="a named zoo preset, e.g. shakespeare_relax")
    group.add_argument("--weight-sets", type=positive_int, help="L_W, the number of weight sets")
    group.add_argument("--repeats", type=positive_int, help="L_T, the repetition length")
    group.add_argument("--schedule", type=schedule, help="blocked, cyclic, or comma-separated set indices")
    group.add_argument("--units", type=positive_int, help="the width N (or give --param-budget)")
    group.add_argument("--param-budget", type=positive_int, help="the most parameters of the model")
    group.add_argument("--activation", help="the block's activation, e.g. tanh, relu, sin2")
    group.add_argument("--input-injection", choices=("every", "first"), help="show the input at every switched step or only the first")
    group.add_argument("--steps-per-input", type=positive_int, help="switched steps per element")
    group.add_argument("--encoding", choices=IMAGE_ENCODINGS, help="image tasks")
    group.add_argument("--embedding-dim", type=positive_int, help="shakespeare")
    group.add_argument("--dropout", type=fraction,
                       help="shakespeare: fraction of the embedding's and block's outputs dropped in training")
    group.add_argument("--augmentation", type=fraction,
                       help="image tasks: random translations up to this fraction in training")
    group = parser.add_argument_group("hardware non-idealities (relax_keras.nonideal)")
    group.add_argument("--node-noise", type=non_negative_float, help="additive Gaussian node noise level")
    group.add_argument("--node-noise-multiplicative", type=non_negative_float,
                       help="multiplicative Gaussian node noise level")
    group.add_argument("--programming-noise", type=non_negative_float,
                       help="relative weight-programming noise, per set per evaluation")
    group.add_argument("--weight-bits", type=positive_int, help="quantize the weight sets to this many bits")
    group.add_argument("--weight-limit", type=positive_float, default=1.0,
                       help="largest weight magnitude, with --weight-bits")


def add_data_options(parser, batch_size=64):
    group = parser.add_argument_group("data")
    group.add_argument("--source", choices=("tfds", "local", "bundled"),
                       help="where to read the data (default: try tfds, local files, bundled)")
    group.add_argument("--local-dir", help="directory with the official data files")
    group.add_argument("--data-dir", help="tfds data directory")
    group.add_argument("--batch-size", type=positive_int, default=batch_size, help="examples per batch")
    group.add_argument("--seq-len", type=positive_int, default=100, help="shakespeare window length")
    group.add_argument("--seed", type=int, default=0, help="seeds the initial weights and the order of the batches")
