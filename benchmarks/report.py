"""Markdown tables of the benchmark CSVs, for benchmarks/README.md.

Usage: python benchmarks/report.py benchmarks/results/layer_speed.csv [more CSVs] > table.md
"""

import csv
import sys

PEAK_GFLOPS = {"float32": 218.0, "mixed_bfloat16": 418.0}  # 2 cores of this CPU (issue 7)


def main(paths):
    for path in paths:
        with open(path) as file:
            rows = list(csv.DictReader(file))
        print(f"\n#### {path}\n")
        print("| mode | N | T / D | L_W | L_T | policy | jit | implementation | train ex/s | GFLOP/s (% of peak) "
              "| infer us/ex | peak RSS MB | vs SimpleRNN | vs naive |")
        print("| --- " * 14 + "|")
        for row in rows:
            gflops = float(row["train_gflops_per_s"])
            peak = PEAK_GFLOPS.get(row["policy"], PEAK_GFLOPS["float32"])
            length = row["length"] if row["mode"] == "sequence" else int(row["weight_sets"]) * int(row["repeats"])
            print(f"| {row['mode']} | {row['width']} | {length} | {row['weight_sets']} | {row['repeats']} "
                  f"| {row['policy']} | {row['jit']} | {row['implementation']} "
                  f"| {float(row['train_examples_per_s']):,.0f} | {gflops:.1f} ({100 * gflops / peak:.0f}%) "
                  f"| {float(row['infer_us_per_example']):.1f} | {float(row['peak_rss_mb']):.0f} "
                  f"| {row['train_ratio_vs_simple_rnn'] or ''} | {row['train_ratio_vs_naive'] or ''} |")


if __name__ == "__main__":
    main(sys.argv[1:])
