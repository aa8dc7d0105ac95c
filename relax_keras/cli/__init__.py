"""The `relax-keras` command: train, evaluate, generate, info, tune, sweep, study."""

import argparse
import os
import sys

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")


def build_parser():
    from relax_keras.cli import evaluate
    from relax_keras.cli import info
    from relax_keras.cli import train
    from relax_keras.cli import study
    from relax_keras.cli import sweep
    from relax_keras.cli import tune

    parser = argparse.ArgumentParser(
        prog="relax-keras",
        description="Simulate, train and inspect ReLaX-Nets (reused layers behind fast "
        "weight switches).",
    )
    from relax_keras import __version__

    parser.add_argument("--version", action="version", version=f"relax-keras {__version__}")
    subparsers = parser.add_subparsers(dest="command", required=True)
    train.add_parser(subparsers)
    evaluate.add_parsers(subparsers)
    info.add_parser(subparsers)
    tune.add_parser(subparsers)
    sweep.add_parser(subparsers)
    study.add_parser(subparsers)
    return parser


def main(argv=None):
    argv = sys.argv[1:] if argv is None else list(argv)
    args = build_parser().parse_args(argv)
    args.argv = argv
    try:
        args.handler(args)
    except (ValueError, FileNotFoundError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    return 0
