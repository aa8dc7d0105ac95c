"""Every study number in README.md is what tuning/results/report.py computes from the
committed CSVs."""

import pathlib

ROOT = pathlib.Path(__file__).resolve().parents[1]


def test_readme_summary_is_computed_from_the_committed_results(repository_script):
    report = repository_script("tuning/results/report.py")
    results = sorted((ROOT / "tuning" / "results").glob("*/results.csv"))
    summaries = report.st.summarize(report.st.read_rows(results))
    readme = (ROOT / "README.md").read_text()
    block = readme[readme.index(report.BEGIN) + len(report.BEGIN):readme.index(report.END)]
    tested = report.test_summaries(ROOT / "tuning" / "results" / "test.csv")
    assert block.strip().splitlines() == report.verdict_lines(summaries, tested)
    assert "MNIST flat" in block  # the finished part of the study is there
