"""Training and inference speed of ReLaXBlock against Keras's SimpleRNN and the naive
implementation a user would write: `keras.layers.RNN(SwitchCell(...))`, which gathers
the active weight set at every step inside Keras's generic RNN loop.

Each configuration runs in a fresh subprocess on the Keras backend it names; inside
it, the implementations are measured one after another, interleaved, after warm-up,
in `--runs` repeats. Each ratio is the median of the repeats' ratios, with their
smallest and largest; GFLOP/s are set against the machine's measured peak (a large
`keras.ops.matmul`, timed in the same process). Rows are appended to the CSV as they
finish, and a rerun skips the rows already there, so an interrupted sweep resumes.

Run it from the repository root as a module, so that it measures the checkout's
`relax_keras` (it refuses an installed copy).

Usage:
    python -m benchmarks.layer_speed --output benchmarks/results/layer_speed.csv
    python -m benchmarks.layer_speed --widths 128 --lengths 32 --weight-sets 4 --repeats 8 \
        --batch-size 256 --output /tmp/one.csv
    python -m benchmarks.layer_speed --backends tensorflow jax torch --jit auto --widths 128 \
        --lengths 32 --weight-sets 1 4 16 --batch-size 256 --output /tmp/backends.csv
"""

import argparse
import csv
import itertools
import json
import os
import pathlib
import subprocess
import sys
import time

CONFIGURATION = ["backend", "mode", "width", "length", "weight_sets", "repeats", "policy", "jit", "batch_size"]
ROOT = pathlib.Path(__file__).resolve().parents[1]
RATIOS = {"simple_rnn": "simple_rnn", "naive": "naive", "float32": "relax@float32"}
FIELDS = [
    "backend", "mode", "implementation", *CONFIGURATION[2:], "runs",
    "train_examples_per_s", "train_gflops_per_s", "matmul_peak_gflops_per_s", "train_share_of_peak",
    "infer_us_per_example", "peak_rss_mb",
    *(f"train_ratio_vs_{label}{end}" for label in RATIOS for end in ("", "_min", "_max")),
    "threads", "cpu", "tensorflow", "keras", "relax_keras", "commit",
]
INPUT_FEATURES = 96  # one SVHN row: 32 pixels x 3 channels


def build_model(implementation, mode, width, length, weight_sets, repeats):
    import keras

    from relax_keras import ReLaXBlock
    from relax_keras import SwitchCell

    if mode == "static":
        inputs = keras.Input((INPUT_FEATURES,))
        layer = ReLaXBlock(width, weight_sets, repeats, input_injection="every")
    else:
        inputs = keras.Input((length, INPUT_FEATURES))
        layer = {
            "relax": lambda: ReLaXBlock(width, weight_sets, repeats),
            "naive": lambda: keras.layers.RNN(SwitchCell(width, weight_sets, repeats)),
            "simple_rnn": lambda: keras.layers.SimpleRNN(width),
        }[implementation]()
    outputs = keras.layers.Dense(10, dtype="float32")(layer(inputs))
    return keras.Model(inputs, outputs)


def forward_flops(mode, width, length, depth):
    """Multiply-adds x 2 per example of the input projection and the recurrence."""
    if mode == "static":
        return 2 * (INPUT_FEATURES * width + depth * width * width)
    return 2 * length * (INPUT_FEATURES * width + width * width)


def matmul_peak_gflops(size=2048, repeats=5):
    """The best float32 GFLOP/s of a large `keras.ops.matmul` on this backend."""
    import keras
    import numpy as np

    a = keras.ops.convert_to_tensor(np.random.default_rng(1).standard_normal((size, size)).astype("float32"))
    keras.ops.convert_to_numpy(keras.ops.matmul(a, a))  # warm-up
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        keras.ops.convert_to_numpy(keras.ops.matmul(a, a))  # waits for the result
        best = min(best, time.perf_counter() - start)
    return 2 * size**3 / best / 1e9


def measure(config):
    """Runs in the subprocess: times every implementation of one configuration."""
    import resource

    import keras
    import numpy as np

    rng = np.random.default_rng(0)
    shape = (INPUT_FEATURES,) if config["mode"] == "static" else (config["length"], INPUT_FEATURES)
    x = keras.ops.convert_to_tensor(rng.standard_normal((config["batch_size"], *shape)).astype("float32"))
    y = keras.ops.convert_to_tensor(rng.integers(0, 10, config["batch_size"]))
    models = {}
    for implementation in config["implementations"]:
        # "relax@float32": the implementation under another policy than the configuration's
        name, _, policy = implementation.partition("@")
        keras.config.set_dtype_policy(policy or config["policy"])
        keras.utils.set_random_seed(0)
        model = build_model(name, config["mode"], config["width"], config["length"],
                            config["weight_sets"], config["repeats"])
        model.compile("adam", keras.losses.SparseCategoricalCrossentropy(from_logits=True),
                      jit_compile=config["jit"])
        for _ in range(3):  # warm-up: tracing, compiling, allocation
            model.train_on_batch(x, y)
            model.predict_on_batch(x)
        models[implementation] = model
    runs, steps = config["runs"], config["steps"]
    train_times = {name: [] for name in models}
    infer_times = {name: [] for name in models}
    peak = {}
    for _ in range(runs):  # interleaved, so drifts hit every implementation alike
        for name, model in models.items():
            start = time.perf_counter()
            for _ in range(steps):
                model.train_on_batch(x, y)
            train_times[name].append((time.perf_counter() - start) / steps)
            start = time.perf_counter()
            for _ in range(steps):
                model.predict_on_batch(x)
            infer_times[name].append((time.perf_counter() - start) / steps)
            peak[name] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    depth = config["weight_sets"] * config["repeats"]
    flops = 3 * forward_flops(config["mode"], config["width"], config["length"], depth)
    peak_gflops = matmul_peak_gflops()
    rows = []
    for name in models:
        train_step = float(np.median(train_times[name]))
        gflops = flops * config["batch_size"] / train_step / 1e9
        row = {
            "implementation": name,
            "runs": runs,
            "train_examples_per_s": config["batch_size"] / train_step,
            "train_gflops_per_s": gflops,
            "matmul_peak_gflops_per_s": peak_gflops,
            "train_share_of_peak": gflops / peak_gflops,
            "infer_us_per_example": float(np.median(infer_times[name])) / config["batch_size"] * 1e6,
            "peak_rss_mb": peak[name],
        }
        for label, other in RATIOS.items():
            if name == "relax" and other in train_times:  # per repeat: the other's time / relax's
                ratios = np.array(train_times[other]) / np.array(train_times["relax"])
                row.update({f"train_ratio_vs_{label}": float(np.median(ratios)),
                            f"train_ratio_vs_{label}_min": float(ratios.min()),
                            f"train_ratio_vs_{label}_max": float(ratios.max())})
        rows.append(row)
    return rows


def run_in_subprocess(config):
    result = subprocess.run(
        [sys.executable, "-m", "benchmarks.layer_speed", "--one", json.dumps(config)],
        capture_output=True, text=True, cwd=ROOT,
        env={**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3", "KERAS_BACKEND": config["backend"]},
    )
    if result.returncode:
        raise RuntimeError(f"configuration {config} failed:\n{result.stderr[-3000:]}")
    return json.loads(result.stdout.strip().splitlines()[-1])


def configurations(args):
    sequence_lengths = [] if args.static_depths else args.lengths
    for backend, width, length, weight_sets, policy, jit in itertools.product(
        args.backends, args.widths, sequence_lengths, args.weight_sets, args.policies, args.jit
    ):
        yield {
            "backend": backend, "mode": "sequence", "width": width, "length": length, "weight_sets": weight_sets,
            "repeats": args.repeats, "policy": policy, "jit": jit,
            "batch_size": args.batch_size, "runs": args.runs, "steps": args.steps,
            "implementations": ["relax", "naive", "simple_rnn"] + (["relax@float32"] if policy != "float32" else []),
        }
    for backend, width, depth, policy, jit in itertools.product(
        args.backends, args.widths if args.static_depths else [], args.static_depths, args.policies, args.jit
    ):
        for weight_sets in args.weight_sets:
            if depth % weight_sets == 0:
                yield {
                    "backend": backend, "mode": "static", "width": width, "length": 1, "weight_sets": weight_sets,
                    "repeats": depth // weight_sets, "policy": policy, "jit": jit,
                    "batch_size": args.batch_size, "runs": args.runs, "steps": args.steps,
                    "implementations": ["relax"],
                }


def machine_and_versions():
    """The CPU (model, flags), thread setting, versions and the measured package's commit."""
    from relax_keras._provenance import provenance

    return {"threads": os.environ.get("TF_NUM_INTRAOP_THREADS", "default"), **provenance()}


def key(row):
    return tuple(str(row[f]) for f in CONFIGURATION)


def jit_setting(value):
    """`--jit` values: `on`, `off`, or `auto` (the backend's default: XLA on JAX only, on a CPU)."""
    settings = {"on": True, "off": False, "auto": "auto"}
    if value not in settings:
        raise argparse.ArgumentTypeError(f"expected one of {sorted(settings)}, got {value!r}")
    return settings[value]


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--one", help=argparse.SUPPRESS)
    parser.add_argument("--widths", type=int, nargs="+", default=[64, 128, 256, 512])
    parser.add_argument("--lengths", type=int, nargs="+", default=[32, 128])
    parser.add_argument("--weight-sets", type=int, nargs="+", default=[1, 4, 16])
    parser.add_argument("--repeats", type=int, default=2, help="L_T of the sequence configurations")
    parser.add_argument("--policies", nargs="+", default=["float32"])
    parser.add_argument("--backends", nargs="+", choices=["tensorflow", "jax", "torch"], default=["tensorflow"])
    parser.add_argument("--jit", type=jit_setting, nargs="+", default=[False], help="on / off / auto")
    parser.add_argument("--static-depths", type=int, nargs="*", default=[],
                        help="measure the static-input mode at these depths D instead")
    parser.add_argument("--batch-size", type=int, default=128)
    parser.add_argument("--runs", type=int, default=5, help="interleaved timed repeats; medians are kept")
    parser.add_argument("--steps", type=int, default=5, help="steps per timed run")
    parser.add_argument("--output", help="the CSV to append to (required)")
    args = parser.parse_args()
    if args.one:
        print(json.dumps(measure(json.loads(args.one))))
        return
    if not args.output:
        parser.error("the following arguments are required: --output")
    import relax_keras

    if pathlib.Path(relax_keras.__file__).resolve().parents[1] != ROOT:
        parser.error(f"this would measure the relax_keras installed at {relax_keras.__file__}, not the "
                     f"checkout's; run it from {ROOT} as python -m benchmarks.layer_speed")
    provenance = machine_and_versions()
    output = pathlib.Path(args.output)
    done = set()
    if output.exists():
        with open(output) as file:
            reader = csv.DictReader(file)
            if reader.fieldnames != FIELDS:
                parser.error(f"argument --output: {output} has other columns than this script writes; "
                             "name a new file")
            done = {key(row) for row in reader}
    else:
        output.parent.mkdir(parents=True, exist_ok=True)
        with open(output, "w", newline="") as file:
            csv.DictWriter(file, FIELDS).writeheader()
    for config in configurations(args):
        if key(config) in done:
            continue
        rows = {row["implementation"]: row for row in run_in_subprocess(config)}
        with open(output, "a", newline="") as file:
            writer = csv.DictWriter(file, FIELDS)
            for row in rows.values():
                writer.writerow({
                    **{f: config[f] for f in CONFIGURATION},
                    **{k: (round(v, 3) if isinstance(v, float) else v) for k, v in row.items()},
                    **provenance,
                })
        summary = ", ".join(f"{n} {r['train_examples_per_s']:.0f} ex/s" for n, r in rows.items())
        print(f"{config['backend']} {config['mode']} N={config['width']} T={config['length']} L_W={config['weight_sets']} "
              f"L_T={config['repeats']} {config['policy']} jit={config['jit']}: {summary}", flush=True)


if __name__ == "__main__":
    main()
