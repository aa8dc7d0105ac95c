#!/usr/bin/env bash
# Trains the same two tiny studies (MNIST flat 8,000 parameters, accuracy; Tiny Shakespeare
# 10,000 parameters, loss) with the package at a git REF (a worktree of its own) and with
# the checkout, and prints every trial's validation metric side by side with the largest
# difference: a refactor or speed change that keeps the model's semantics moves them by
# float round-off only.
#   bash tools/compare_semantics.sh REF [DATA_ROOT]   # DATA_ROOT: default ../shared/data
set -euo pipefail
cd "$(dirname "$0")/.."
ref=$1
data=$(realpath "${2:-../shared/data}")
work=$(mktemp -d)
git worktree add --detach "$work/ref" "$ref" > /dev/null
trap 'git worktree remove --force "$work/ref"' EXIT
for who in ref checkout; do
  root=$([ "$who" = ref ] && echo "$work/ref" || pwd)
  cat > "$work/mnist_$who.json" <<SPEC
{"name": "mnist_$who", "task": "mnist", "encoding": "flat", "budgets": [8000], "depths": [4],
 "weight_sets": [2, 4], "repeats": [1, 2], "baselines": true, "learning_rates": [0.003], "seeds": [0, 1],
 "steps": 200, "evaluations": 2, "output": "$work/out/mnist_$who", "directory": "$work/runs",
 "sources": {"local_dir": "$data/mnist"}}
SPEC
  cat > "$work/text_$who.json" <<SPEC
{"name": "text_$who", "task": "shakespeare", "encoding": "chars", "budgets": [10000], "depths": [4],
 "weight_sets": [2, 4], "repeats": [1, 2], "baselines": false, "learning_rates": [0.01], "seeds": [0],
 "steps": 100, "evaluations": 1, "output": "$work/out/text_$who", "directory": "$work/runs",
 "sources": {"local_dir": "$data/tinyshakespeare"}}
SPEC
  for task in mnist text; do
    (cd "$root" && TF_CPP_MIN_LOG_LEVEL=3 python -m relax_keras study --spec "$work/${task}_$who.json" \
      --verbose 0 > "$work/${task}_$who.log" 2>&1)  # `-m` imports the package of the working directory
  done
done
python - "$work/out" <<'PY'
import csv, pathlib, sys
out = pathlib.Path(sys.argv[1])
for task in ("mnist", "text"):
    rows = {who: list(csv.DictReader(open(out / f"{task}_{who}" / "results.csv"))) for who in ("ref", "checkout")}
    key = lambda r: (r["model"], r["weight_sets"], r["repeats"], r["seed"], r["learning_rate"])
    checkout = {key(r): r for r in rows["checkout"]}
    largest = 0.0
    for row in rows["ref"]:
        other = checkout[key(row)]
        largest = max(largest, abs(float(row["val_metric"]) - float(other["val_metric"])))
        print(task, *key(row), row["val_metric"], other["val_metric"], row["fingerprint"], other["fingerprint"])
    print(f"{task}: {len(rows['ref'])} trials, largest difference {largest:.3g}")
PY
