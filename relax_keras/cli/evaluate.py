"""`relax-keras evaluate` and `relax-keras generate`."""

import json
import sys

from relax_keras.cli import arguments


def add_parsers(subparsers):
    evaluate_parser = subparsers.add_parser(
        "evaluate",
        help="evaluate a trained or pretrained model on a split",
        description="Evaluates a model (--model FILE.keras, or a zoo model with "
        "--weights) on a split. For shakespeare, prints the loss in nats and bits per "
        "character and a generated sample. Default: the pretrained Tiny Shakespeare "
        "ReLaX-Net on the test split.",
    )
    arguments.add_task(evaluate_parser)
    _add_model_source(evaluate_parser)
    arguments.add_data_options(evaluate_parser, batch_size=256)
    evaluate_parser.add_argument("--split", default="test",
                                 help="the split to score; shakespeare also: nanogpt (nanoGPT's validation "
                                 "split and scoring: the last 10%%, blocks of 256, no context), "
                                 "nanogpt_validation, nanogpt_test (its halves)")
    evaluate_parser.add_argument("--sample-length", type=arguments.characters, default=200,
                                 help="shakespeare: characters of generated sample")
    evaluate_parser.set_defaults(handler=run_evaluate)

    generate_parser = subparsers.add_parser(
        "generate", help="generate text with a character-level model",
    )
    _add_model_source(generate_parser)
    generate_parser.add_argument("--prompt", default="ROMEO:\n", help="the text to continue")
    generate_parser.add_argument("--length", type=arguments.characters, default=300,
                                 help="characters to generate, at most 100,000")
    generate_parser.add_argument("--temperature", type=arguments.non_negative_float, default=0.8, help="sampling temperature; 0 takes the most likely character")
    generate_parser.add_argument("--seed", type=int, default=0, help="the sampling seed")
    generate_parser.set_defaults(handler=run_generate, task="shakespeare")


def _add_model_source(parser):
    arguments.add_model_options(parser)
    parser.add_argument("--model", help="a .keras file written by `relax-keras train`")
    parser.add_argument("--weights", help="a pretrained name or a .weights.h5 path "
                        "(default: the task's shipped weights, e.g. tiny_shakespeare)")


def load(args):
    """Loads `--model` (no model option may come with it), or builds the zoo model with
    `--weights`; with no model option at all, the task's shipped weights
    (`Task.pretrained`), or a `ValueError` where the task has none."""
    from relax_keras import tasks
    from relax_keras.cli.tasks import build_model
    from relax_keras.cli.tasks import model_arguments
    from relax_keras.saving import load_model

    if args.model:
        ignored = [*model_arguments(args), *(["preset"] if args.preset else []),
                   *(["weights"] if args.weights else [])]
        if ignored:
            raise ValueError(f"--model fixes the model; the options {sorted(ignored)} do not apply to it.")
        return load_model(args.model)
    if args.weights is None and not args.preset and not model_arguments(args):
        args.weights = tasks.get(args.task).pretrained
        if args.weights is None:
            raise ValueError(f"{args.task} has no shipped weights: pass --model (a .keras file that "
                             "`relax-keras train` wrote) or --weights (a .weights.h5 file).")
        print(f"Using the shipped weights {args.weights!r}.", file=sys.stderr)
    return build_model(args)


def run_evaluate(args):
    from relax_keras import tasks
    from relax_keras.cli.tasks import dataset
    from relax_keras.zoo.generation import sample_characters

    task = tasks.get(args.task)
    model = load(args)
    results = task.evaluate(model, dataset(args, args.split, scoring=True))
    print(json.dumps({"model": model.name, "params": model.count_params(), "split": args.split,
                      **results}, indent=2))
    if task.context is not None:  # a text task
        from relax_keras.tasks.text_task import NANOGPT_BLOCK
        from relax_keras.tasks.text_task import NANOGPT_SPLITS

        how = (f"nanoGPT's scoring: blocks of {NANOGPT_BLOCK} characters, every position, no context"
               if args.split in NANOGPT_SPLITS else
               f"each scored window of {args.seq_len} characters read after {task.context} of context")
        print(f"{args.split} loss: {results['loss']:.4f} nats/char = "
              f"{results['bits_per_char']:.4f} bits/char ({how})")
        if args.sample_length:
            print("Sample (prompt 'ROMEO:', temperature 0.8, seed 0):")
            print(sample_characters(model, "ROMEO:\n", args.sample_length, 0.8, seed=0))


def run_generate(args):
    import keras

    from relax_keras.zoo.generation import sample_characters

    keras.utils.set_random_seed(args.seed)
    model = load(args)
    print(sample_characters(model, args.prompt, args.length, args.temperature, seed=args.seed))
