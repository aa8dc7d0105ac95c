"""Every study number in README.md is what tuning/results/report.py computes from the
committed CSVs."""

import csv
import pathlib

import pytest

from relax_keras.tuning import measured

ROOT = pathlib.Path(__file__).resolve().parents[1]
pytestmark = pytest.mark.results


def test_readme_summary_is_computed_from_the_committed_results(repository_script):
    report = repository_script("tuning/results/report.py")
    results = sorted((ROOT / "tuning" / "results").glob("*/results.csv"))
    summaries = report.st.summarize(report.st.read_rows(results))
    readme = (ROOT / "README.md").read_text()
    block = readme[readme.index(report.BEGIN) + len(report.BEGIN):readme.index(report.END)]
    tested = report.test_summaries(ROOT / "tuning" / "results" / "test.csv")
    assert block.strip().splitlines() == report.verdict_lines(summaries, tested)
    assert "MNIST flat" in block  # the finished part of the study is there


def test_the_figures_info_shows_are_computed_from_the_committed_results(repository_script):
    report = repository_script("tuning/results/report.py")
    results = sorted((ROOT / "tuning" / "results").glob("*/results.csv"))
    expected = measured.rows_of(report.st.summarize(report.st.read_rows(results)))
    with open(measured.MEASURED, newline="") as handle:
        assert list(csv.DictReader(handle)) == expected
    assert {row["task"] for row in expected} == {"mnist", "shakespeare"}
