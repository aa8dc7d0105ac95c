"""Every study number in README.md and tuning/results/README.md is what
`relax_keras.tuning.report` computes from the committed CSVs."""

import csv
import pathlib
import re
import subprocess

import pytest

from relax_keras.tuning import confirmatory
from relax_keras.tuning import measured
from relax_keras.tuning import report
from relax_keras.tuning import study_statistics as st

CONFIRM_SPECS = sorted((pathlib.Path(__file__).resolve().parents[1] / "tuning" / "specs").glob("confirm_*.json"))

ROOT = pathlib.Path(__file__).resolve().parents[1]
RESULTS = ROOT / report.RESULTS
README_WORDS = 1800
pytestmark = pytest.mark.results


@pytest.fixture(scope="module")
def study():
    tables = report.study_tables(ROOT)
    rows = st.read_rows(tables)
    return tables, rows, st.summarize(rows)


def test_the_study_summary_is_computed_from_the_committed_results(study):
    _, _, summaries = study
    block = report.between(RESULTS / "README.md", report.BEGIN, report.END)
    readings = report.read_readings(RESULTS / report.READINGS)
    assert block == report.verdict_lines(summaries, report.test_summaries(RESULTS / "test.csv"), readings)
    assert any(line.startswith("- validation: ") and "after Holm's correction" in line for line in block)
    assert "MNIST flat" in "\n".join(block)


def test_the_hand_written_prose_of_the_report_quotes_no_figures():
    prose = (RESULTS / "README.md").read_text()
    for begin, end in ((report.CONFIRMED_BEGIN, report.CONFIRMED_END), (report.BEGIN, report.END),
                       (report.TABLES_BEGIN, report.TABLES_END)):  # the blocks the report writes
        prose = prose[:prose.index(begin)] + prose[prose.index(end):]
    assert re.findall(r".{0,30}(?:\d\.\d|±|\d%).{0,30}", prose) == []  # figures come from the tables' code


def test_the_study_tables_are_computed_from_the_committed_results(study):
    tables, rows, summaries = study
    curves = st.read_curves([path.with_name("curves.csv") for path in tables])
    lines = report.selection_lines(tables, rows, curves, summaries, []) + report.check_lines(RESULTS, rows, summaries)
    assert report.between(RESULTS / "README.md", report.TABLES_BEGIN, report.TABLES_END) == lines


def test_readme_answers_which_weight_sets_and_repeats_first_and_stays_short(study):
    _, _, summaries = study
    readme = ROOT / "README.md"
    advice = report.advice_lines(summaries, confirmatory.validation_results(ROOT / confirmatory.FOLDER))
    assert report.between(readme, report.ADVICE_BEGIN, report.ADVICE_END) == advice
    assert len(advice) == 2 + 9  # 3 input kinds x 3 budgets
    text = readme.read_text()
    headings = [line for line in text.splitlines() if line.startswith("## ")]
    assert headings[0] == "## Which L_W, L_T at my budget?"
    assert len(text.split()) <= README_WORDS


def test_the_confirmatory_report_is_computed_from_the_committed_results(study):
    folder = ROOT / confirmatory.FOLDER
    rows, shorter_rows = confirmatory.ended(folder), confirmatory.ended(folder, "_1x")
    if rows is None:  # before the study's main specs end there is no verdict, and no report claims one
        assert not (folder / "README.md").exists() and not (folder / "test.csv").exists()
        return
    seed_zero = confirmatory.seed_zero_tables(folder.parent, rows, shorter_rows) if shorter_rows else ({}, {})
    readings = confirmatory.read_test_once(rows, None, folder / "test.csv") if (folder / "test.csv").exists() else None
    lines = confirmatory.report_lines(rows, shorter_rows, seed_zero, readings, study[2])
    assert (folder / "README.md").read_text() == "\n".join(lines) + "\n"


def test_the_figures_info_shows_are_computed_from_the_committed_results(study):
    _, _, summaries = study
    with open(measured.MEASURED, newline="") as handle:
        assert list(csv.DictReader(handle)) == measured.rows_of(summaries)
    assert {row["task"] for row in measured.rows_of(summaries)} == {"mnist", "shakespeare"}


def test_the_report_rewrites_only_what_stands_between_its_markers(tmp_path):
    path = tmp_path / "README.md"
    path.write_text(f"before\n{report.BEGIN}\nold\n{report.END}\nafter\n")
    report.write_between(path, report.BEGIN, report.END, ["new", "lines"])
    assert path.read_text() == f"before\n{report.BEGIN}\nnew\nlines\n{report.END}\nafter\n"
    assert report.between(path, report.BEGIN, report.END) == ["new", "lines"]


def test_the_test_readings_are_recomputed_from_the_archived_records(study, tmp_path):
    tables, rows, summaries = study
    chosen = []
    report.selection_lines(tables, rows, st.read_curves([]), summaries, chosen)
    report.final_test(rows, chosen, tmp_path / "test.csv", ROOT / report.STUDIES)
    assert (tmp_path / "test.csv").read_text() == (RESULTS / "test.csv").read_text()
    assert not [path for path in (ROOT / report.STUDIES).iterdir() if path.is_dir()
                and not path.name.startswith("confirm_")]  # every ended study is archived


def git(*args):
    return subprocess.run(["git", "-C", str(ROOT), *args], capture_output=True, text=True, check=True).stdout


def test_every_reading_of_the_test_split_is_listed_with_its_commit():
    if not (ROOT / ".git").exists() or git("rev-parse", "--is-shallow-repository").strip() != "false":
        pytest.skip("not a full git checkout: the history of tuning/results/test.csv is not at hand")
    added, commit = set(), None  # (commit, task, encoding) of every commit that added test figures
    for table in ("tuning/results/test.csv", "tuning/results/confirm/test.csv"):
        for line in git("log", "--format=COMMIT %H", "-p", "--follow", "--", table).splitlines():
            if line.startswith("COMMIT "):
                commit = line.split()[1]
            elif line.startswith("+") and not line.startswith(("+++", "+task,")):
                added.add((commit, *line[1:].split(",")[:2]))
    readings = report.read_readings(RESULTS / report.READINGS)
    listed = {(r["commit"], r["task"], r["encoding"]) for r in readings if r["task"] != "zoo"}
    assert {(c[:7], task, encoding) for c, task, encoding in added} == listed
    assert len(listed) == len([r for r in readings if r["task"] != "zoo"])  # none twice
    for reading in readings:  # the zoo's readings name real commits too
        assert git("cat-file", "-t", reading["commit"]).strip() == "commit"


def test_the_confirmatory_study_was_registered_before_its_first_result():
    if not (ROOT / ".git").exists() or git("rev-parse", "--is-shallow-repository").strip() != "false":
        pytest.skip("not a full git checkout: the history of the pre-registration is not at hand")
    registered = (ROOT / "tuning" / "results" / "confirm" / "COMMIT").read_text().strip()
    plan = "tuning/results/confirm/PLAN.md"
    before_deviations = lambda text: text[:text.index("## Deviations")]
    assert before_deviations(git("show", f"{registered}:{plan}")) == before_deviations((ROOT / plan).read_text())
    for spec in CONFIRM_SPECS:
        assert git("show", f"{registered}:tuning/specs/{spec.name}") == spec.read_text()
    records = ["tuning/studies/" + spec.stem for spec in CONFIRM_SPECS] + ["tuning/results/confirm/" + spec.stem
                                                                          for spec in CONFIRM_SPECS]
    recorded = git("log", "--reverse", "--format=%H", "--", *records, *[r + ".tar.gz" for r in records]).split()
    assert recorded, "no record of the confirmatory study yet"
    assert not any(commit.startswith(registered) for commit in recorded)  # the registration holds no record
    git("merge-base", "--is-ancestor", registered, recorded[0])  # fails unless registered before the first record
    for table in (ROOT / "tuning" / "results" / "confirm").glob("*/results.csv"):
        with open(table) as file:
            assert {row["commit"] for row in csv.DictReader(file)} == {registered}  # run from the registered code


def test_the_confirmatory_verdict_in_the_report_is_computed_from_the_committed_results():
    confirmed = confirmatory.validation_results(ROOT / confirmatory.FOLDER)
    block = report.between(RESULTS / "README.md", report.CONFIRMED_BEGIN, report.CONFIRMED_END)
    assert block == report.confirmed_lines(confirmed)


def test_the_plans_power_table_is_what_the_code_computes(study):
    plan = (ROOT / "tuning" / "results" / "confirm" / "PLAN.md").read_text()
    planned = [line for line in plan.splitlines() if line.startswith("| H")][-6:]  # the power table's rows
    computed = confirmatory.power_lines(study[2])[2:]
    for planned_line, computed_line in zip(planned, computed):
        written, recomputed = planned_line.split(" | "), computed_line.split(" | ")
        assert written[:6] == recomputed[:6]  # id, rates, effect, sd, seeds, n for the effect
        if written[0] != "| H6":  # PLAN.md's deviation: H6's n at half the effect is 4, not the plan's 5
            assert written[6] == recomputed[6]
        for cell, value in zip(written[7:], recomputed[7:]):
            value = float(value.strip(" |"))
            assert value > 0.99 if cell.strip(" |") == "> 0.99" else float(cell.strip(" |")) == round(value, 2)
