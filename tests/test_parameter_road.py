"""The road of a parameter from the command line to the layer (issue 31): the files
whose functions hold `--param-budget`'s value (as an argument, a local or an entry of an
argument dict) on the way from `relax-keras train` to the `ReLaXBlock` it sizes. The
parsed command line (`argparse.Namespace`) and the argument checks of `_validation`
are not hops."""

import argparse
import pathlib
import sys

import pytest

import relax_keras
from relax_keras.cli import build_parser
from relax_keras.cli import tasks as cli_tasks
from relax_keras.layers.relax_block import ReLaXBlock

PACKAGE = pathlib.Path(relax_keras.__file__).parent
BUDGET = 54_321  # a value no default has


def holds_budget(value):
    if isinstance(value, argparse.Namespace):  # the parsed command line itself, not a hop
        return False
    if isinstance(value, dict):
        return any(holds_budget(item) for item in value.values())
    return type(value) is int and value == BUDGET


def files_on_the_road(argv):
    """Builds the model `argv` asks for, as `relax-keras train` does; returns the
    package files (relative) of the calls that received the budget, and the block."""
    args = build_parser().parse_args(argv)
    files, blocks = [], []

    def profile(frame, event, arg):
        path = pathlib.Path(frame.f_code.co_filename)
        if event not in ("call", "return") or PACKAGE not in path.parents:
            return
        if "layers" in path.parts or path.name == "_validation.py":  # the layer; checks on the way
            return
        if any(holds_budget(value) for value in frame.f_locals.values()):
            relative = str(path.relative_to(PACKAGE.parent))
            if relative not in files:
                files.append(relative)

    original_init = ReLaXBlock.__init__

    def recording_init(self, *args, **kwargs):
        original_init(self, *args, **kwargs)
        blocks.append(self)

    ReLaXBlock.__init__ = recording_init
    sys.setprofile(profile)
    try:
        model = cli_tasks.build_model(args)
    finally:
        sys.setprofile(None)
        ReLaXBlock.__init__ = original_init
    return files, blocks, model


@pytest.mark.parametrize("task", ["mnist", "shakespeare"])
def test_param_budget_reaches_the_layer_through_at_most_four_files(task, tmp_path):
    files, blocks, model = files_on_the_road(
        ["train", task, "--param-budget", str(BUDGET), "--weight-sets", "2", "--output", str(tmp_path)])
    assert len(blocks) == 1 and model.count_params() <= BUDGET
    assert files[0] == "relax_keras/cli/tasks.py" and files[-1] == "relax_keras/budget.py", files
    assert len(files) <= 4, files
