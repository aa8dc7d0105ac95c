#!/usr/bin/env bash
# Issue 33's recipe search for the Tiny Shakespeare ReLaX-Net (plan:
# zoo/runs/shakespeare_relax_tiny_shakespeare/nanogpt_search/PLAN.md). Each run trains with
# `relax-keras train` into runs/nanogpt_search/NAME (rerun to resume an interrupted run; a
# finished one is skipped), then scores nanoGPT's validation half. Two runs at a time, one thread
# each, with the checkout's package (each run's metrics.json names its commit).
#   bash zoo/shakespeare_search.sh screen     # stage 1: one seed per recipe
#   bash zoo/shakespeare_search.sh confirm R  # stage 2: recipe R and both ends, seeds 0-2
#   bash zoo/shakespeare_search.sh --sync     # copy each run's records next to the plan
set -euo pipefail
cd "$(dirname "$0")/.."
runs=runs/nanogpt_search
records=zoo/runs/shakespeare_relax_tiny_shakespeare/nanogpt_search
data=${RELAX_KERAS_SHAKESPEARE:-../shared/data/tinyshakespeare}
common=(--param-budget 250000 --learning-rate 3e-3 --cosine-decay --batch-size 64 --local-dir "$data" --verbose 2)

declare -A RECIPES=(
  [base]="--weight-sets 2 --repeats 2 --dropout 0.0 --epochs 30"
  [wd0.1]="--weight-sets 2 --repeats 2 --dropout 0.0 --epochs 30 --weight-decay 0.1"
  [noise0.05]="--weight-sets 2 --repeats 2 --dropout 0.0 --epochs 30 --node-noise 0.05"
  [drop0.1_wd0.1_e40]="--weight-sets 2 --repeats 2 --dropout 0.1 --epochs 40 --weight-decay 0.1"
  [seq256]="--weight-sets 2 --repeats 2 --dropout 0.0 --epochs 30 --seq-len 256"
  [emb96]="--weight-sets 2 --repeats 2 --dropout 0.0 --epochs 30 --embedding-dim 96"
  [w4r2]="--weight-sets 4 --repeats 2 --dropout 0.0 --epochs 30"
)

run_one() {  # NAME SEED FLAGS...
  local name=$1 seed=$2; shift 2
  local out=$runs/${name}_s$seed
  if [ -f "$out/.lock" ] && ! flock -n "$out/.lock" true; then  # another driver is training it
    echo "$out is in use by another process: skipped here" >&2; return 0
  fi
  if [ ! -f "$out/metrics.json" ]; then
    TF_NUM_INTRAOP_THREADS=1 TF_NUM_INTEROP_THREADS=1 PYTHONPATH=$PWD python -m relax_keras train shakespeare "$@" "${common[@]}" --seed "$seed" --output "$out" >> "$out.log" 2>&1  # a resumed run appends
  fi
  if [ ! -f "$out/nanogpt_validation.txt" ]; then
    PYTHONPATH=$PWD python -m relax_keras evaluate shakespeare --model "$out/model.keras" --split nanogpt_validation \
      --local-dir "$data" --sample-length 1 > "$out/nanogpt_validation.txt"
  fi
}

in_pairs() {  # runs "NAME SEED" lines, two at a time: the next starts as soon as one ends
  while read -r name seed; do
    # `wait -n` also returns for a job that ended earlier (a skipped run), so count again.
    while [ "$(jobs -rp | wc -l)" -ge 2 ]; do wait -n || echo "a run failed: see its .log in $runs" >&2; done
    run_one "$name" "$seed" ${RECIPES[$name]:-$(ends "$name")} &
  done
  wait
}

ends() {  # the RNN end (1, D) and the DNN end (D, 1) at the chosen recipe's depth D, its other flags kept
  local recipe=${RECIPES[$CHOSEN]}
  local depth=$(( $(grep -oP -- '--weight-sets \K[0-9]+' <<< "$recipe") * $(grep -oP -- '--repeats \K[0-9]+' <<< "$recipe") ))
  recipe=$(sed -E 's/--weight-sets [0-9]+ --repeats [0-9]+//' <<< "$recipe")
  case $1 in
    rnn_end) echo "--weight-sets 1 --repeats $depth $recipe" ;;
    dnn_end) echo "--weight-sets $depth --repeats 1 $recipe" ;;
  esac
}

mkdir -p "$runs"
case ${1:-} in
  screen) for name in base wd0.1 noise0.05 drop0.1_wd0.1_e40 w4r2 seq256 emb96; do echo "$name 0"; done | in_pairs ;;
  confirm)
    CHOSEN=$2
    for seed in 0 1 2; do echo "$CHOSEN $seed"; echo "rnn_end $seed"; echo "dnn_end $seed"; done | in_pairs ;;
  --sync)
    for run in "$runs"/*/; do  # the finished ones: trained and scored
      if [ ! -f "$run/nanogpt_validation.txt" ]; then continue; fi
      name=$(basename "$run"); mkdir -p "$records/$name"
      for file in metrics.json history.csv learning_curve.png run_config.json nanogpt_validation.txt; do
        if [ -f "$run/$file" ]; then cp "$run/$file" "$records/$name/"; fi
      done
    done ;;
  *) echo "usage: $0 screen | confirm RECIPE | --sync" >&2; exit 2 ;;
esac
