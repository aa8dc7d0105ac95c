#!/usr/bin/env bash
# Runs study specifications one after another, each as a KerasTuner chief and two workers
# on loopback (one thread each, so two cores work); rerun it to resume where it stopped.
# Each ended study's records are archived (relax_keras.tuning.records).
# The rates, moved, twice (convergence check) and seeds phases are the follow-ups `tools/follow_ups.py`
# writes from the ended studies.
#   bash tuning/run_studies.sh                      # the committed plan, in its order
#   bash tuning/run_studies.sh tuning/specs/study_mnist_flat_d4.json
set -euo pipefail
cd "$(dirname "$0")/.."
plan=()
for phase in d4 d8 rest rates moved twice seeds; do
  for family in mnist_flat mnist_rows_long shakespeare_long; do
    for spec in "tuning/specs/study_${family}_${phase}.json" "tuning/specs/study_${family}_${phase}"[0-9].json; do
      if [ -f "$spec" ]; then plan+=("$spec"); fi  # a follow-up (round) exists once its studies ended
    done
  done
done
if [ $# -gt 0 ]; then specs=("$@"); else specs=("${plan[@]}"); fi
export TF_CPP_MIN_LOG_LEVEL=3 TF_NUM_INTRAOP_THREADS=1 TF_NUM_INTEROP_THREADS=1 KERASTUNER_ORACLE_IP=127.0.0.1
mkdir -p tuning/logs
for spec in "${specs[@]}"; do
  name=$(basename "$spec" .json)
  export KERASTUNER_ORACLE_PORT=$(python -c "import socket; s = socket.socket(); s.bind(('127.0.0.1', 0)); print(s.getsockname()[1])")
  echo "$(date -u +%FT%TZ) $name on port $KERASTUNER_ORACLE_PORT"
  KERASTUNER_TUNER_ID=chief python -m relax_keras study --spec "$spec" >> "tuning/logs/$name.chief.log" 2>&1 &  # a resumed study appends
  chief=$!
  sleep 5  # the chief's oracle server starts first
  KERASTUNER_TUNER_ID=tuner0 python -m relax_keras study --spec "$spec" --verbose 0 >> "tuning/logs/$name.tuner0.log" 2>&1 &
  KERASTUNER_TUNER_ID=tuner1 python -m relax_keras study --spec "$spec" --verbose 0 >> "tuning/logs/$name.tuner1.log" 2>&1 &
  wait
  tail -n 1 "tuning/logs/$name.chief.log"
  # an ended study's records become one archive, tuning/studies/$name.tar.gz; reruns resume from it
  python -m relax_keras study --spec "$spec" --archive 2>&1 | tail -n 1 || true
done
