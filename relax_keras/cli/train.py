"""`relax-keras train`: the command's options; the training itself is in `training`."""

from relax_keras.cli import arguments
from relax_keras.cli.arguments import POLICIES


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
    parser.add_argument("--epochs", type=arguments.positive_int, default=10, help="epochs to train")
    parser.add_argument("--steps-per-epoch", type=arguments.positive_int, help="limit the batches of an epoch")
    parser.add_argument("--validation-steps", type=arguments.positive_int,
                        help="limit the validation batches scored after each epoch (metrics.json scores the "
                        "whole split; default: all)")
    parser.add_argument("--learning-rate", type=arguments.positive_float, help="default: the zoo model's")
    parser.add_argument("--cosine-decay", action="store_true",
                        help="decay the learning rate to 0 over the run (cosine)")
    parser.add_argument("--weight-decay", type=arguments.positive_float,
                        help="decoupled weight decay of every weight (AdamW's; default: none)")
    parser.add_argument("--policy", choices=POLICIES, default="float32", help="mixed precision")
    parser.add_argument("--jit", action="store_true", help="compile training steps with XLA")
    parser.add_argument("--output", required=True, help="the run directory")
    parser.add_argument("--overwrite", action="store_true",
                        help="start again in a directory holding a run of relax-keras (the old run is moved aside)")
    parser.add_argument("--score-test", action="store_true",
                        help="also score the test split (do it once, for the model you chose on validation)")
    parser.add_argument("--verbose", type=arguments.verbosity(2), default=1, help="Keras progress bar: 0, 1 or 2")
    parser.set_defaults(handler=run)
    return parser


def run(args):
    from relax_keras.cli import training

    training.run(args)
