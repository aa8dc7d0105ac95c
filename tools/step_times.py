"""Measures the training step time of study points, to plan the study's compute.

    TF_NUM_INTRAOP_THREADS=1 TF_NUM_INTEROP_THREADS=1 python tools/step_times.py \
        --local-dir ../shared/data/mnist > tuning/plan/step_times.csv
"""

import argparse
import time

import keras

from relax_keras import tasks
from relax_keras._provenance import cpu_description

POINTS = [  # (task, encoding, model, L_W, L_T)
    ("mnist", "flat", "relax", 2, 2), ("mnist", "flat", "relax", 2, 4), ("mnist", "flat", "relax", 4, 4),
    ("mnist", "flat", "dense", 0, 0),
    ("mnist", "rows", "relax", 2, 2), ("mnist", "rows", "relax", 2, 4), ("mnist", "rows", "lstm", 0, 0),
    ("shakespeare", "chars", "relax", 2, 2), ("shakespeare", "chars", "relax", 2, 4),
    ("shakespeare", "chars", "lstm", 0, 0),
]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--local-dir", required=True)
    parser.add_argument("--budgets", type=int, nargs="+", default=[20000, 60000, 200000])
    parser.add_argument("--steps", type=int, default=20)
    args = parser.parse_args()
    print(f"# {cpu_description()}")
    print("task,encoding,model,weight_sets,repeats,budget,params,seconds_per_step")
    for task_name, encoding, model_kind, w, r in POINTS:
        task = tasks.get(task_name)
        sources = {"local_dir": args.local_dir} if task_name == "mnist" else {}
        train = task.dataset("train", training=True, sources=sources)
        for budget in args.budgets:
            keras.utils.set_random_seed(0)
            model = task.build(model_kind, encoding, w or None, r or None, budget, 1e-3)
            model.fit(train, epochs=1, steps_per_epoch=3, verbose=0)  # compile and warm up
            start = time.perf_counter()
            model.fit(train, epochs=1, steps_per_epoch=args.steps, verbose=0)
            seconds = (time.perf_counter() - start) / args.steps
            print(f"{task_name},{encoding},{model_kind},{w},{r},{budget},{model.count_params()},{seconds:.4f}",
                  flush=True)


if __name__ == "__main__":
    main()
