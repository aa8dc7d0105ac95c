"""The `relax-keras` command: train, evaluate, generate, info, tune, study."""

import argparse
import os
import sys

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")


class DefaultsHelpFormatter(argparse.ArgumentDefaultsHelpFormatter):
    """Shows an option's default, unless it has none (`None`, `False`) or its help
    already says it in words."""

    def _get_help_string(self, action):  # the hook argparse's own defaults formatter uses
        if action.default is None or action.default is False or "default" in (action.help or ""):
            return action.help
        return super()._get_help_string(action)


class CommandParser(argparse.ArgumentParser):
    """A command's parser: its help shows every option's default."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("formatter_class", DefaultsHelpFormatter)
        super().__init__(*args, **kwargs)


def build_parser():
    from relax_keras.cli import evaluate
    from relax_keras.cli import info
    from relax_keras.cli import train
    from relax_keras.cli import study
    from relax_keras.cli import tune

    parser = argparse.ArgumentParser(
        prog="relax-keras",
        description="Simulate, train and inspect ReLaX-Nets (reused layers behind fast "
        "weight switches).",
    )
    from relax_keras import __version__

    parser.add_argument("--version", action="version", version=f"relax-keras {__version__}")
    parser.add_argument("--tensorflow-logs", action="store_true",
                        help="show TensorFlow's start-up logs (hidden by default)")
    subparsers = parser.add_subparsers(dest="command", required=True, parser_class=CommandParser)
    train.add_parser(subparsers)
    evaluate.add_parsers(subparsers)
    info.add_parser(subparsers)
    tune.add_parser(subparsers)
    study.add_parser(subparsers)
    return parser


def quiet_tensorflow_import():
    """Imports TensorFlow with its C++ start-up logs (oneDNN, CUDA probing, absl)
    sent to /dev/null; Python's own errors and warnings still reach stderr later."""
    saved = os.dup(2)
    try:
        with open(os.devnull, "w") as devnull:
            os.dup2(devnull.fileno(), 2)
            import tensorflow as tf

            tf.config.list_physical_devices()  # the CUDA probe, while quiet
    finally:
        os.dup2(saved, 2)
        os.close(saved)


def main(argv=None):
    argv = sys.argv[1:] if argv is None else list(argv)
    args = build_parser().parse_args(argv)
    args.argv = argv
    if not args.tensorflow_logs:
        quiet_tensorflow_import()
    try:
        args.handler(args)
    except (ValueError, OSError) as error:  # bad input, diverged training or stopped search, disk
        print(f"error: {error}", file=sys.stderr)
        return 2
    return 0
