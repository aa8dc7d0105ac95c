"""A training run's directory: recognized by its marker, locked while in use, replaced
only by moving the old run aside, and written atomically."""

import datetime
import fcntl
import json
import os
import pathlib

from relax_keras._files import read_json_object
from relax_keras._files import write_atomically

MARKER = "run_config.json"  # every run directory of relax-keras holds it
MARKER_KEY = "relax_keras_run"
LOCK = ".lock"


class RunDirectory:
    """The directory of one `relax-keras train` run.

    `open(settings, overwrite)` checks it and takes its lock: a fresh run, the resume of
    an interrupted run with the same settings, or (with `overwrite`) a new run after
    moving the old one aside to `<dir>.replaced-<time>`. It refuses a directory that
    is not empty and is not a run of this package, a file, and a directory another
    process is using (the lock names its process id).
    """

    def __init__(self, path):
        self.path = pathlib.Path(path).resolve()
        self._lock = None

    @property
    def finished(self):
        return (self.path / "metrics.json").exists()

    @property
    def trained(self):
        """Whether training finished (the model is saved) but evaluation did not."""
        return (self.path / "model.keras").exists() and not self.finished

    def check(self, settings, overwrite):
        """Raises `SystemExit` for a directory this run may not use; writes nothing.

        Returns `"new"`, `"resume"` or `"replace"`.
        """
        path = self.path
        if path.exists() and not path.is_dir():
            raise SystemExit(f"error: --output {path} is a file; give a directory for the run.")
        if not path.exists() or not any(path.iterdir()):
            return "new"
        if (path / LOCK).exists():  # in use now? (the first thing a second process hears)
            self._take_lock()
            self._release_lock()
        marker = path / MARKER
        recorded = read_json_object(marker) if marker.exists() else {}
        if not recorded.get(MARKER_KEY):
            raise SystemExit(f"error: {path} is not empty and is not a relax-keras run; choose another --output.")
        if overwrite:
            return "replace"
        if self.finished:
            raise SystemExit(f"error: the run directory {path} holds a finished run; pass --overwrite to "
                             "move it aside and start again, or choose another --output.")
        previous = {k: v for k, v in recorded.items() if k != MARKER_KEY}
        # an option newer than the run is absent from its record: it had the default, None
        changed = sorted(k for k in settings.keys() | previous.keys() if settings.get(k) != previous.get(k))
        if changed:
            raise SystemExit(f"error: {path} holds an interrupted run with other settings ({', '.join(changed)}); "
                             "rerun it with the same options, pass --overwrite, or choose another --output.")
        return "resume"

    def open(self, settings, overwrite):
        """Checks the directory, takes its lock, and prepares it; returns the check's answer."""
        action = self.check(settings, overwrite)
        if action == "replace":
            self._take_lock()  # nobody else may be using the run being moved aside
            aside = self.path.with_name(f"{self.path.name}.replaced-{datetime.datetime.now():%Y%m%d-%H%M%S}")
            self._release_lock()
            os.replace(self.path, aside)
            print(f"Moved the earlier run aside to {aside}.")
        self.path.mkdir(parents=True, exist_ok=True)
        self._take_lock()
        if action != "resume":
            write_atomically(self.path / MARKER, json.dumps({MARKER_KEY: True, **settings}, indent=2) + "\n")
        return action

    def _take_lock(self):
        handle = open(self.path / LOCK, "a+")
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            owner = handle.read().strip() or "another process"
            handle.close()
            raise SystemExit(f"error: {self.path} is in use by process {owner}; wait for it to end "
                             "or choose another --output.") from None
        handle.seek(0)
        handle.truncate()
        handle.write(str(os.getpid()))
        handle.flush()
        self._lock = handle

    def _release_lock(self):
        if self._lock is not None:
            fcntl.flock(self._lock, fcntl.LOCK_UN)
            self._lock.close()
            self._lock = None

    def close(self):
        """Releases the lock; a finished run's lock file is removed, while still held."""
        if self._lock is not None and self.finished:
            (self.path / LOCK).unlink()
        self._release_lock()

