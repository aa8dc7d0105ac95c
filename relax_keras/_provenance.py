"""Where a result came from: package version, git commit, machine."""

import pathlib
import platform
import subprocess

RELEVANT_CPU_FLAGS = ("avx2", "fma", "avx512f", "avx512_bf16", "amx_bf16", "amx_tile")


def git_commit(directory=None):
    """Returns the commit of the code in `directory` (default: this package's own
    directory), with `+dirty` when tracked files under it differ from that commit, or
    `"unknown"` outside a git checkout. Only that directory counts: results and records
    written elsewhere in the checkout (a study's `tuning/studies/`) do not make it dirty."""
    directory = pathlib.Path(directory or pathlib.Path(__file__).parent)
    try:
        run = lambda *args: subprocess.run(["git", *args], cwd=directory, capture_output=True,
                                           text=True, check=True).stdout.strip()
        if not run("ls-files", "--", "."):  # the code is not tracked here: installed inside some
            return "unknown"               # other repository (a pyenv checkout holding site-packages)
        commit = run("rev-parse", "--short=12", "HEAD")
        return commit + ("+dirty" if run("status", "--porcelain", "--untracked-files=no", "--", ".") else "")
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def cpu_model_and_flags():
    """Returns the CPU's model name and its set of flags (from /proc/cpuinfo where there)."""
    model, flags = platform.processor() or platform.machine(), set()
    cpuinfo = pathlib.Path("/proc/cpuinfo")
    if cpuinfo.exists():
        for line in cpuinfo.read_text().splitlines():
            key, _, value = line.partition(":")
            if key.strip() == "model name":
                model = value.strip()
            elif key.strip() == "flags":
                flags = set(value.split())
    return model, flags


def cpu_description():
    """Returns the CPU model and its flags that matter for speed, e.g.
    `"AMD EPYC (avx2 fma avx512f avx512_bf16)"`."""
    model, flags = cpu_model_and_flags()
    present = [flag for flag in RELEVANT_CPU_FLAGS if flag in flags]
    return f"{model} ({' '.join(present) or 'no listed flags'})"


def software_versions():
    """Returns the versions of relax-keras, TensorFlow and Keras."""
    import keras
    import tensorflow as tf

    import relax_keras

    return {"relax_keras": relax_keras.__version__, "tensorflow": tf.__version__, "keras": keras.__version__}


def provenance():
    """Returns what a result row records of where it came from: the commit, the CPU
    and the versions."""
    return {"commit": git_commit(), "cpu": cpu_description(), **software_versions()}
