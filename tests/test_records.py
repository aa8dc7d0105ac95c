"""An ended study's records in one archive: written whole, refused before the study
ended, read and restored from."""

import json

import pytest

from relax_keras.tuning import records


def ended_study(tmp_path, statuses=("COMPLETED", "COMPLETED"), listed=("00", "01")):
    project = tmp_path / "runs" / "study"
    for number, status in enumerate(statuses):
        trial = project / f"trial_{number:02d}"
        trial.mkdir(parents=True)
        (trial / "trial.json").write_text(json.dumps({"status": status}))
        (trial / "record.json").write_text(json.dumps({"trial_id": f"{number:02d}"}))
    (project / "oracle.json").write_text("{}")
    results = tmp_path / "results.csv"
    results.write_text("trial_id,val_metric\n" + "".join(f"{trial_id},0.5\n" for trial_id in listed))
    return project, results


def test_an_archive_holds_every_record_and_restores_the_folder(tmp_path):
    project, results = ended_study(tmp_path)
    before = {path.relative_to(project): path.read_bytes() for path in project.rglob("*") if path.is_file()}
    target = records.archive(project, results)
    assert target == tmp_path / "runs" / "study.tar.gz" and not project.exists()
    assert records.read_text(project, "trial_01/record.json") == '{"trial_id": "01"}'
    assert records.restore(project) and not records.restore(project)  # once; then the folder is there
    assert {path.relative_to(project): path.read_bytes() for path in project.rglob("*") if path.is_file()} == before
    assert records.read_text(project, "oracle.json") == "{}"


def test_archives_of_the_same_records_are_the_same_bytes(tmp_path):
    first = records.archive(*ended_study(tmp_path / "a")).read_bytes()
    second = records.archive(*ended_study(tmp_path / "b")).read_bytes()
    assert first == second


@pytest.mark.parametrize("statuses, listed, message", [
    (("COMPLETED", "RUNNING"), ("00", "01"), r"trials \['trial_01'\] are running"),
    (("COMPLETED", "COMPLETED"), ("00",), r"lacks trials \['01'\]"),
])
def test_a_study_that_has_not_ended_is_not_archived(tmp_path, statuses, listed, message):
    project, results = ended_study(tmp_path, statuses, listed)
    with pytest.raises(ValueError, match=message):
        records.archive(project, results)
    assert project.is_dir() and not records.archive_path(project).exists()


def test_a_restored_study_is_archived_again_only_as_it_was(tmp_path):
    project, results = ended_study(tmp_path)
    target = records.archive(project, results)
    archived = target.read_bytes()
    records.restore(project)
    assert records.archive(project, results) == target and not project.exists()  # as it was: folder removed
    records.restore(project)
    (project / "trial_00" / "record.json").write_text("{}")
    with pytest.raises(ValueError, match="holds records that its archive .* lacks"):
        records.archive(project, results)
    assert project.is_dir() and target.read_bytes() == archived
