"""`relax-keras info`: parameters per part, the schedule and the effective depth."""

from relax_keras.cli import arguments
from relax_keras.cli.evaluate import load
from relax_keras.schedules import count_switch_events


def add_parser(subparsers):
    parser = subparsers.add_parser(
        "info", help="describe a model: parameters per part, schedule, depth",
    )
    arguments.add_task(parser)
    arguments.add_model_options(parser)
    parser.add_argument("--model", help="a .keras file")
    parser.add_argument("--weights", help="a pretrained name or a .weights.h5 path")
    parser.set_defaults(handler=run)


def describe(model):
    """Returns the lines `relax-keras info` prints for `model`."""
    from relax_keras.layers.relax_block import ReLaXBlock

    lines = [f"model: {model.name}", "parameters:"]
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


def run(args):
    print("\n".join(describe(load(args))))
