"""Where a result came from: the commit of the code that ran, and when it is dirty."""

import shutil
import subprocess

import pytest

from relax_keras._provenance import git_commit


@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
def test_only_changes_to_the_code_make_the_commit_dirty(tmp_path):
    git = lambda *args: subprocess.run(["git", *args], cwd=tmp_path, check=True, capture_output=True)
    (tmp_path / "package").mkdir()
    (tmp_path / "package" / "code.py").write_text("x = 1\n")
    (tmp_path / "records.csv").write_text("a\n")
    git("init", "-q")
    git("add", ".")
    git("-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", "first")
    commit = git_commit(tmp_path / "package")
    assert len(commit) == 12 and "+" not in commit
    (tmp_path / "records.csv").write_text("a\nb\n")  # a study's records, beside the code
    assert git_commit(tmp_path / "package") == commit
    (tmp_path / "package" / "code.py").write_text("x = 2\n")
    assert git_commit(tmp_path / "package") == commit + "+dirty"
    (tmp_path / "installed").mkdir()  # a package installed inside another repository
    (tmp_path / "installed" / "code.py").write_text("x = 1\n")
    assert git_commit(tmp_path / "installed") == "unknown"
