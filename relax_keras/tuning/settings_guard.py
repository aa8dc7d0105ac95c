"""Keeps a job's directory bound to the settings it was started with."""

import json
import pathlib

from relax_keras._files import write_atomically


def check_settings(path, settings, what):
    """Records `settings` in the JSON file `path`, or refuses settings that differ.

    Args:
        path: the settings file inside the job's directory.
        settings: dict of JSON values, what the job trains (not where it writes).
        what: str, the job's description for the message, e.g. `"The study runs/x"`.

    Raises:
        ValueError: naming every setting that differs from the recorded one.
    """
    path = pathlib.Path(path)
    settings = json.loads(json.dumps(settings))  # tuples as lists, as recorded
    if path.exists():
        listed = describe_differences(settings, json.loads(path.read_text()))
        if listed:
            raise ValueError(f"{what} was started with other settings ({listed}). Rerun it with its "
                             "recorded settings, or give the new job another name or directory.")
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    write_atomically(path, json.dumps(settings, indent=1))


def describe_differences(now, recorded, ignore=()):
    """Returns `"key: now X, recorded Y; ..."` for the keys whose values differ."""
    keys = sorted((set(now) | set(recorded)) - set(ignore))
    return "; ".join(f"{key}: now {now.get(key)!r}, recorded {recorded.get(key)!r}"
                     for key in keys if now.get(key) != recorded.get(key))
