"""README.md's first commands are the ones that work: CI runs the test command as written."""

import pathlib

ROOT = pathlib.Path(__file__).resolve().parents[1]
TEST_COMMAND = 'pip install ".[test]" && pytest -q -n auto'


def readme_commands():
    text = (ROOT / "README.md").read_text()
    block = text.split("```bash\n", 1)[1].split("```", 1)[0]
    return block.strip().splitlines()


def test_readme_starts_with_the_main_job_and_the_test_command():
    assert readme_commands() == ["pip install . && relax-keras evaluate shakespeare", TEST_COMMAND]


def test_ci_runs_the_readme_test_command():
    lines = [line for line in (ROOT / ".ci" / "run").read_text().splitlines() if line and not line.startswith("#")]
    assert " && ".join(lines[-2:]) == TEST_COMMAND
