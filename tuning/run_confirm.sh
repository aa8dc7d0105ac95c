#!/usr/bin/env bash
# The confirmatory study (tuning/results/confirm/PLAN.md), run from the commit that
# pre-registered it (tuning/results/confirm/COMMIT) in a worktree of its own beside this
# checkout, so that later changes of the package cannot touch it. Rerun to resume: the
# trial records committed here are copied into the worktree first; an ended (archived)
# study is not run again.
#   bash tuning/run_confirm.sh           # run (or resume) the specs in the plan's order
#   bash tuning/run_confirm.sh --sync    # copy the worktree's records, archives and results back here
set -euo pipefail
cd "$(dirname "$0")/.."
here=$PWD
commit=$(cat tuning/results/confirm/COMMIT)
worktree=${CONFIRM_WORKTREE:-$(dirname "$here")/relax-keras-confirm}
specs=(confirm_mnist_flat confirm_mnist_rows confirm_shakespeare
       confirm_mnist_flat_1x confirm_mnist_rows_1x confirm_shakespeare_1x)
if [ "${1:-}" = "--sync" ]; then
  for name in "${specs[@]}"; do
    if [ -f "tuning/studies/$name.tar.gz" ]; then continue; fi  # ended and archived here
    if [ -f "$worktree/tuning/studies/$name.tar.gz" ]; then  # ended there: its archive holds every record
      cp "$worktree/tuning/studies/$name.tar.gz" tuning/studies/ && rm -rf "tuning/studies/$name"
    fi
    for folder in "tuning/studies/$name" "tuning/results/confirm/$name"; do
      if [ -d "$worktree/$folder" ]; then mkdir -p "$folder"; cp -r "$worktree/$folder/." "$folder/"; fi
    done
    if [ -f "tuning/results/confirm/$name/results.csv" ] && [ -d "tuning/studies/$name" ]; then
      # ended: archived here by this checkout's code (the pinned commit cannot archive)
      python -m relax_keras study --spec "tuning/specs/$name.json" --archive 2>&1 | tail -n 1
    fi
  done
  exit 0
fi
if [ ! -d "$worktree" ]; then git worktree add --detach "$worktree" "$commit"; fi
if [ "$(git -C "$worktree" rev-parse HEAD)" != "$(git rev-parse "$commit^{commit}")" ]; then
  echo "The worktree $worktree is not at the pre-registered commit $commit." >&2
  exit 1
fi
unended=()
for name in "${specs[@]}"; do  # what earlier sessions committed; the worktree's own newer files stay
  if [ -f "tuning/studies/$name.tar.gz" ] || [ -f "$worktree/tuning/studies/$name.tar.gz" ]; then
    continue  # ended: archived (and synced here, or to be)
  fi
  unended+=("tuning/specs/$name.json")
  if [ -d "tuning/studies/$name" ]; then
    mkdir -p "$worktree/tuning/studies/$name"; cp -rn "tuning/studies/$name/." "$worktree/tuning/studies/$name/"
  fi
done
cd "$worktree"
bash tuning/run_studies.sh "${unended[@]}"
