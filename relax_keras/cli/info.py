"""`relax-keras info`: parameters per part, the schedule and the effective depth of a
model, or, given only a budget, every (L_W, L_T) that fits it."""

from relax_keras.cli import arguments
from relax_keras.cli.evaluate import load
from relax_keras.schedules import count_switch_events

DEPTHS = tuple(range(1, 9))


def add_parser(subparsers):
    parser = subparsers.add_parser(
        "info", help="describe a model, or list the (L_W, L_T) that fit a budget",
        description="Describes a model: parameters per part, schedule, depth. With "
        "--param-budget and neither --weight-sets nor --repeats, lists every (L_W, L_T) "
        "that fits the budget at --depth (or depths 1-8), with the study's validation "
        "figure where it trained that task and budget.",
    )
    arguments.add_task(parser)
    arguments.add_model_options(parser)
    parser.add_argument("--depth", type=arguments.positive_int,
                        help="with --param-budget alone: the depth L_W * L_T to list (default: 1-8)")
    parser.add_argument("--model", help="a .keras file")
    parser.add_argument("--weights", help="a pretrained name or a .weights.h5 path")
    parser.set_defaults(handler=run)


def describe(model):
    """Returns the lines `relax-keras info` prints for `model`."""
    from relax_keras.layers.relax_block import ReLaXBlock

    lines = [f"model: {model.name} ({model.__class__.__name__})", "parameters:"]
    for layer in model.layers:
        if layer.count_params():
            lines.append(f"  {layer.name:<24} {layer.__class__.__name__:<20} {layer.count_params():>10,}")
    lines.append(f"  {'total':<45} {model.count_params():>10,}")
    for layer in model.layers:
        if isinstance(layer, ReLaXBlock):
            period = list(layer.schedule_positions)
            per_input = layer.steps_per_input if not layer.static_input else layer.depth
            lines += [
                f"block {layer.name}: units N={layer.units}, weight sets L_W={layer.weight_sets}, "
                f"repeats L_T={layer.repeats}, effective depth D={layer.depth}",
                f"  schedule {layer.schedule!r}, switch positions over one period: {period}",
                f"  switch events per period: {count_switch_events(period + period[:1])}, "
                f"switched steps per input element: {per_input}",
                f"  input: {'static' if layer.static_input else 'sequence'}, "
                f"injection {layer.input_injection!r}",
            ]
    return lines


def feasible_table(task, budget, depths, encoding=None, **arguments):
    """Returns the lines of a table of every (L_W, L_T) of `depths` whose ReLaX-Net of
    `task` fits `budget`: its width, parameters, switched steps per input and, where the
    study trained that task and budget, its validation mean ± 95% half width.

    Raises:
        ValueError: if no configuration fits.
    """
    from relax_keras.budget import BudgetTooSmall
    from relax_keras.budget import divisor_pairs
    from relax_keras.layers.relax_block import ReLaXBlock
    from relax_keras.tuning import measured

    encoding = encoding or task.encodings[0]
    study = measured.read(task.name, encoding, budget)
    lines = [f"{task.name} ({encoding}), at most {budget:,} parameters:",
             f"{'L_W':>4} {'L_T':>4} {'N':>6} {'parameters':>11} {'steps/input':>12}  "
             f"study: validation {task.metric} (seeds)"]
    for depth in depths:
        for weight_sets, repeats in divisor_pairs(depth):
            try:
                model = task.build_relax(encoding, weight_sets=weight_sets, repeats=repeats,
                                         param_budget=budget, **arguments)
            except BudgetTooSmall:
                continue
            block = next(layer for layer in model.layers if isinstance(layer, ReLaXBlock))
            steps = block.depth if block.static_input else block.steps_per_input
            row = study.get((weight_sets, repeats))
            figure = (f"{float(row['mean']):.4g} ± {float(row['half_width']):.2g} ({row['seeds']})"
                      if row else "not measured")
            lines.append(f"{weight_sets:>4} {repeats:>4} {block.units:>6} {model.count_params():>11,} "
                         f"{steps:>12}  {figure}")
    if len(lines) == 2:
        raise ValueError(f"{budget:,} parameters are too few for any ReLaX-Net of {task.name} "
                         f"({encoding}) at depths {list(depths)}; give a larger --param-budget.")
    return lines


def run(args):
    from relax_keras import tasks
    from relax_keras.cli.tasks import model_arguments

    given = model_arguments(args)
    listing = ("param_budget" in given and "weight_sets" not in given and "repeats" not in given
               and not (args.model or args.weights or args.preset))
    if args.depth is not None and not listing:
        raise ValueError("--depth lists configurations: give it with --param-budget, and "
                         "without --weight-sets, --repeats, --model, --weights or --preset.")
    if listing:
        budget = given.pop("param_budget")
        depths = (args.depth,) if args.depth else DEPTHS
        print("\n".join(feasible_table(tasks.get(args.task), budget, depths, **given)))
        return
    print("\n".join(describe(load(args))))
