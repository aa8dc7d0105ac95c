"""Profiles training steps of `ReLaXBlock` and of `keras.layers.SimpleRNN` with
TensorFlow's profiler and writes, per model, the TensorFlow ops the steps ran: how many
times each op type ran per step and the time it took, from the profiler's trace
(`*.xplane.pb`, read with TensorFlow's own protobuf, no extra package).

    python -m benchmarks.profile_step --units 128 --length 32 --batch-size 256 \\
        --weight-sets 4 --steps 10 --output benchmarks/results/issue35/profile.csv
"""

import argparse
import collections
import csv
import pathlib
import tempfile
import time

import numpy as np
import tensorflow as tf

import keras
from relax_keras import ReLaXBlock
from relax_keras._provenance import cpu_description

HOST_PLANE = "/host:CPU"
ENCLOSING = {"Process", "Run"}  # the executor's events around the ops, not ops


def model_of(layer, length, features):
    model = keras.Sequential([keras.Input((length, features)), layer, keras.layers.Dense(10)])
    model.compile("adam", keras.losses.SparseCategoricalCrossentropy(from_logits=True))
    return model


def op_events(logdir):
    """Returns `[(op_type, name, duration_ns)]` of the TensorFlow ops in the trace."""
    from tensorflow.tsl.profiler.protobuf import xplane_pb2

    events = []
    for path in pathlib.Path(logdir).rglob("*.xplane.pb"):
        space = xplane_pb2.XSpace.FromString(path.read_bytes())
        for plane in space.planes:
            if plane.name != HOST_PLANE:
                continue
            for line in plane.lines:
                for event in line.events:
                    name = plane.event_metadata[event.metadata_id].name
                    if ":" not in name:
                        continue
                    scope, op_type = name.rsplit(":", 1)  # "scope/op_name:OpType"
                    if op_type.isidentifier() and op_type not in ENCLOSING and not op_type.startswith("__"):
                        events.append((op_type, scope, event.duration_ps / 1000))
    return events


def profile(model, inputs, targets, steps):
    """Runs `steps` training steps under the profiler; returns the events and the wall
    time per step (measured without the profiler, on the same steps)."""
    for _ in range(3):
        model.train_on_batch(inputs, targets)
    start = time.perf_counter()
    for _ in range(steps):
        model.train_on_batch(inputs, targets)
    seconds = (time.perf_counter() - start) / steps
    with tempfile.TemporaryDirectory() as logdir:
        tf.profiler.experimental.start(logdir)
        for _ in range(steps):
            model.train_on_batch(inputs, targets)
        tf.profiler.experimental.stop()
        return op_events(logdir), seconds


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--units", type=int, default=128)
    parser.add_argument("--length", type=int, default=32)
    parser.add_argument("--batch-size", type=int, default=256)
    parser.add_argument("--weight-sets", type=int, default=4)
    parser.add_argument("--steps", type=int, default=10)
    parser.add_argument("--output", required=True)
    args = parser.parse_args()
    rng = np.random.default_rng(0)
    inputs = rng.standard_normal((args.batch_size, args.length, args.units)).astype("float32")
    targets = rng.integers(0, 10, args.batch_size)
    layers = {"relax_block": lambda: ReLaXBlock(args.units, weight_sets=args.weight_sets),
              "simple_rnn": lambda: keras.layers.SimpleRNN(args.units)}
    rows = []
    print(f"# {cpu_description()}; TensorFlow {tf.__version__}, Keras {keras.__version__}")
    for name, layer in layers.items():
        keras.utils.set_random_seed(0)
        events, seconds = profile(model_of(layer(), args.length, args.units), inputs, targets, args.steps)
        by_type = collections.defaultdict(lambda: [0, 0.0])
        for op_type, _, duration in events:
            by_type[op_type][0] += 1
            by_type[op_type][1] += duration
        total = sum(duration for _, _, duration in events) / args.steps
        print(f"{name}: {seconds * 1e3:.1f} ms per step (wall), {len(events) / args.steps:.0f} ops per "
              f"step, {total / 1e6:.1f} ms in ops")
        for op_type, (count, duration) in sorted(by_type.items(), key=lambda item: -item[1][1]):
            rows.append({"model": name, "op_type": op_type, "ops_per_step": count / args.steps,
                         "ms_per_step": duration / args.steps / 1e6,
                         "us_per_op": duration / count / 1e3, "step_wall_ms": seconds * 1e3})
    pathlib.Path(args.output).parent.mkdir(parents=True, exist_ok=True)
    with open(args.output, "w", newline="") as handle:
        writer = csv.DictWriter(handle, list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


if __name__ == "__main__":
    main()
