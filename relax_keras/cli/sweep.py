"""`relax-keras sweep`: the paper's grid over L_W x L_T at a fixed budget."""

from relax_keras.cli import arguments


def add_parser(subparsers):
    parser = subparsers.add_parser(
        "sweep",
        help="grid over L_W x L_T at a fixed budget, several seeds, plus Keras RNN baselines",
        description="Trains every (L_W, L_T, seed) point and the SimpleRNN / GRU / LSTM "
        "baselines at the same budget; appends each result to OUTPUT/results.csv (a "
        "rerun resumes) and writes OUTPUT/table.md and OUTPUT/grid.png.",
    )
    arguments.add_task(parser)
    parser.add_argument("--budget", type=arguments.positive_int, required=True, help="the most parameters of every model")
    parser.add_argument("--weight-sets", type=arguments.positive_int, nargs="+", default=[1, 2, 4, 8], help="the L_W values of the grid")
    parser.add_argument("--repeats", type=arguments.positive_int, nargs="+", default=[1, 2, 4, 8], help="the L_T values of the grid")
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2], help="the seeds of every point")
    parser.add_argument("--encodings", nargs="+", choices=arguments.ENCODINGS,
                        help="the input modes (default: all of the task's)")
    parser.add_argument("--baselines", nargs="*", choices=arguments.RECURRENT_BASELINES,
                        default=list(arguments.RECURRENT_BASELINES), help="the Keras baselines at the same budget")
    parser.add_argument("--depths", type=arguments.positive_int, nargs="+",
                        help="keep only the grid points of these depths L_W * L_T (default: all)")
    parser.add_argument("--epochs", type=arguments.positive_int, default=3, help="epochs per model")
    parser.add_argument("--steps-per-epoch", type=arguments.positive_int, help="batches per epoch (default: the whole training split)")
    parser.add_argument("--output", required=True, help="the sweep's folder (results.csv, table.md, figures)")
    arguments.add_data_options(parser)
    parser.set_defaults(handler=run)


# what every row of a sweep is trained with (the grid itself may grow between runs)
SWEEP_SETTINGS = ("task", "budget", "epochs", "steps_per_epoch", "batch_size", "seq_len", "seed")


def run(args):
    import pathlib

    from relax_keras import tasks
    from relax_keras.cli.tasks import dataset
    from relax_keras.tuning.settings_guard import check_settings
    from relax_keras.tuning.sweep import run_sweep

    check_settings(pathlib.Path(args.output) / "sweep_settings.json",
                   {key: getattr(args, key) for key in SWEEP_SETTINGS}, f"The sweep in {args.output}")

    task = tasks.get(args.task)
    validation = dataset(args, "validation", scoring=True)
    run_sweep(
        task, args.budget, dataset(args, "train"), validation,
        lambda model: task.score(model, validation), args.output,
        weight_sets=args.weight_sets, repeats=args.repeats, seeds=args.seeds,
        encodings=args.encodings or task.encodings,
        baselines=args.baselines, depths=args.depths, epochs=args.epochs,
        steps_per_epoch=args.steps_per_epoch,
    )
