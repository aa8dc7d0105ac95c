"""An ended study's KerasTuner records as one compressed archive beside its folder.

`tuning/studies/NAME.tar.gz` holds everything `tuning/studies/NAME/` held (the oracle's
and tuners' state, each trial's `trial.json`, `record.json` and sealed test figure), so
that a repository keeps one file per study instead of thousands. `restore` unpacks it
where the study resumes from, and `read_text` reads one record from either form.
"""

import csv
import gzip
import io
import json
import os
import pathlib
import shutil
import tarfile
import tempfile

SUFFIX = ".tar.gz"


def archive_path(project):
    """The archive of the study folder `project`: `<project>.tar.gz` beside it."""
    project = pathlib.Path(project)
    return project.with_name(project.name + SUFFIX)


def archive(project, results):
    """Writes the archive of the ended study in `project` and removes the folder.

    The archive is reproducible (members sorted, times and owners zeroed) and checked
    against the folder before the folder is removed.

    Args:
        project: the study's KerasTuner folder (`directory/name`).
        results: the study's `results.csv`, which lists every trial once it ended.

    Raises:
        ValueError: if the study has not ended, or its archive exists and holds other
            records (the folder holding exactly the archive's, as after `restore`, is
            removed).
    """
    project, results = pathlib.Path(project), pathlib.Path(results)
    target = archive_path(project)
    check_ended(project, results)
    contents = {f"{project.name}/{path.relative_to(project).as_posix()}": path.read_bytes()
                for path in sorted(project.rglob("*")) if path.is_file()}  # each file read once
    if target.exists():  # restored by a rerun: removed again if it holds only the archive's records
        if members(target) != contents:
            raise ValueError(f"{project} holds records that its archive {target} lacks; move one of "
                             "them aside (an archive is never overwritten).")
        shutil.rmtree(project)
        return target
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w", format=tarfile.PAX_FORMAT) as bundle:
        for name, data in contents.items():
            info = tarfile.TarInfo(name)
            info.size, info.mode, info.mtime = len(data), 0o644, 0
            bundle.addfile(info, io.BytesIO(data))
    compressed = gzip.compress(buffer.getvalue(), mtime=0)
    if members(io.BytesIO(compressed)) != contents:  # whole, before anything is removed
        raise OSError(f"the archive of {project} does not read back the same; nothing was removed.")
    temporary = target.with_name(f".{target.name}.{os.getpid()}")
    temporary.write_bytes(compressed)
    os.replace(temporary, target)
    shutil.rmtree(project)
    return target


def check_ended(project, results):
    """Raises `ValueError` unless every trial of `project` ended and `results` lists it."""
    if not project.is_dir():
        raise ValueError(f"No study folder {project} to archive.")
    if not results.exists():
        raise ValueError(f"The study {project.name!r} has not ended: {results} is not written yet.")
    running = []
    for state in sorted(project.glob("trial_*/trial.json")):
        if json.loads(state.read_text()).get("status") == "RUNNING":
            running.append(state.parent.name)
    if running:
        raise ValueError(f"The study {project.name!r} has not ended: trials {running} are running.")
    with open(results, newline="") as handle:
        listed = {row["trial_id"] for row in csv.DictReader(handle)}
    recorded = {path.parent.name[len("trial_"):] for path in project.glob("trial_*/record.json")}
    if recorded - listed:
        raise ValueError(f"The study {project.name!r} has not ended: {results} lacks trials "
                         f"{sorted(recorded - listed)}; rerun the study to collect them.")


def restore(project):
    """Unpacks the archive of `project` into its folder, where none is; returns whether
    it did. Concurrent callers (a chief and its workers) unpack into temporary folders
    and rename one into place."""
    project, source = pathlib.Path(project), archive_path(project)
    if project.exists() or not source.exists():
        return False
    with tempfile.TemporaryDirectory(dir=project.parent, prefix=f".{project.name}.") as scratch:
        with tarfile.open(source, "r:gz") as bundle:
            bundle.extractall(scratch, filter="data")  # no links, no paths outside `scratch`
        try:
            os.rename(pathlib.Path(scratch) / project.name, project)
        except OSError:
            if not project.is_dir():  # not another process that restored it first
                raise
    return True


def members(source):
    """Returns `{name: bytes}` of the files in an archive: a path or a binary file."""
    opened = {"fileobj": source} if isinstance(source, io.IOBase) else {"name": source}
    with tarfile.open(mode="r:gz", **opened) as bundle:
        return {member.name: bundle.extractfile(member).read() for member in bundle if member.isfile()}


def sealed_test_metric(studies, row):
    """Returns the sealed test figure of the trial of `row`, a `results.csv` row whose
    `study` names its study's folder (or archive) under `studies`."""
    sealed = read_text(pathlib.Path(studies) / row["study"], f"trial_{row['trial_id']}/sealed_test.json")
    return json.loads(sealed)["test_metric"]


def read_text(project, relative):
    """Returns the text of `relative` (e.g. `trial_00/sealed_test.json`) in the study
    `project`, read from its folder or, once archived, from its archive."""
    project = pathlib.Path(project)
    if project.is_dir():
        return (project / relative).read_text()
    with tarfile.open(archive_path(project), "r:gz") as bundle:
        return bundle.extractfile(f"{project.name}/{relative}").read().decode()
