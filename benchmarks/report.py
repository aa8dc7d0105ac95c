"""Markdown tables of the benchmark CSVs, for benchmarks/README.md.

Usage:
    python benchmarks/report.py benchmarks/results/layer_speed.csv [more CSVs] > table.md
    python benchmarks/report.py --compare before.csv after.csv   # ReLaXBlock rows side by side
"""

import csv
import sys

CONFIGURATION = ("width", "weight_sets", "policy", "jit")  # what --compare pairs rows by
PEAK_GFLOPS = {"float32": 218.0, "mixed_bfloat16": 418.0}  # 2 cores of this CPU (issue 7)


def ratio_cell(row, name):
    """`median (min-max)` where the CSV has the repeats' spread, else the one ratio."""
    median = row.get(f"train_ratio_vs_{name}") or ""
    if median and row.get(f"train_ratio_vs_{name}_min"):
        return f"{float(median):.2f} ({float(row[f'train_ratio_vs_{name}_min']):.2f}-{float(row[f'train_ratio_vs_{name}_max']):.2f})"
    return median


def main(paths):
    for path in paths:
        with open(path) as file:
            rows = list(csv.DictReader(file))
        print(f"\n#### {path}\n")
        print("| backend | mode | N | T / D | L_W | L_T | policy | jit | implementation | train ex/s "
              "| GFLOP/s (% of peak) | infer us/ex | peak RSS MB | vs SimpleRNN | vs naive |")
        print("| --- " * 15 + "|")
        for row in rows:
            gflops = float(row["train_gflops_per_s"])
            peak = float(row.get("matmul_peak_gflops_per_s") or PEAK_GFLOPS.get(row["policy"], PEAK_GFLOPS["float32"]))
            length = row["length"] if row["mode"] == "sequence" else int(row["weight_sets"]) * int(row["repeats"])
            print(f"| {row.get('backend', 'tensorflow')} | {row['mode']} | {row['width']} | {length} "
                  f"| {row['weight_sets']} | {row['repeats']} | {row['policy']} | {row['jit']} | {row['implementation']} "
                  f"| {float(row['train_examples_per_s']):,.0f} | {gflops:.1f} ({100 * gflops / peak:.0f}%) "
                  f"| {float(row['infer_us_per_example']):.1f} | {float(row['peak_rss_mb']):.0f} "
                  f"| {ratio_cell(row, 'simple_rnn')} | {ratio_cell(row, 'naive')} |")


def compare(before_path, after_path):
    """ReLaXBlock's training throughput and ratios, configuration by configuration."""
    def relax_rows(path):
        with open(path) as file:
            return {tuple(row[f] for f in CONFIGURATION): row for row in csv.DictReader(file)
                    if row["implementation"] == "relax"}

    before, after = relax_rows(before_path), relax_rows(after_path)
    commits = {rows[next(iter(rows))]["commit"] for rows in (before, after) if rows}
    print(f"\nbefore: {before_path}; after: {after_path} (commits {', '.join(sorted(commits))})\n")
    print("| N | L_W | policy | XLA | relax ex/s before -> after | / SimpleRNN before -> after "
          "| / naive before -> after | / float32 before -> after |")
    print("| --- " * 8 + "|")
    ratio = lambda row, name: ratio_cell(row, name) or "-"
    for key, new in after.items():
        old = before.get(key)
        if old is None:
            continue
        width, weight_sets, policy, jit = key
        cells = [f"{float(old['train_examples_per_s']):,.0f} -> {float(new['train_examples_per_s']):,.0f}"]
        cells += [f"{ratio(old, name)} -> {ratio(new, name)}" for name in ("simple_rnn", "naive", "float32")]
        print(f"| {width} | {weight_sets} | {policy} | {'on' if jit == 'True' else 'off'} | " + " | ".join(cells) + " |")

if __name__ == "__main__":
    if sys.argv[1:2] == ["--compare"]:
        compare(*sys.argv[2:4])
    else:
        main(sys.argv[1:])
