"""Every study number in README.md is what tuning/results/report.py computes from the
committed CSVs."""

import importlib.util
import pathlib

ROOT = pathlib.Path(__file__).resolve().parents[1]


def load_report():
    spec = importlib.util.spec_from_file_location("report", ROOT / "tuning" / "results" / "report.py")
    report = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(report)
    return report


def test_readme_summary_is_computed_from_the_committed_results():
    report = load_report()
    results = sorted((ROOT / "tuning" / "results").glob("*/results.csv"))
    summaries = report.st.summarize(report.st.read_rows(results))
    readme = (ROOT / "README.md").read_text()
    block = readme[readme.index(report.BEGIN) + len(report.BEGIN):readme.index(report.END)]
    tested = report.test_summaries(ROOT / "tuning" / "results" / "test.csv")
    assert block.strip().splitlines() == report.verdict_lines(summaries, tested)
    assert "MNIST flat" in block  # the finished part of the study is there
