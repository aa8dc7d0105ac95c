"""Says once per process when bfloat16 has no hardware behind it on this machine."""

import warnings

import keras

from relax_keras._provenance import cpu_model_and_flags

BFLOAT16_FLAGS = ("avx512_bf16", "amx_bf16")  # /proc/cpuinfo flags of CPUs with bfloat16 matmuls
_warned = []


def warn_if_bfloat16_is_emulated(dtype):
    """Warns, once, when `dtype` is bfloat16, TensorFlow runs on the CPU alone, and the
    CPU lists no bfloat16 instructions: its bfloat16 matmuls are then emulated and
    slower than float32. Machines whose CPU flags are unknown are not warned about."""
    if _warned or dtype != "bfloat16" or keras.backend.backend() != "tensorflow":
        return
    model, flags = cpu_model_and_flags()
    if not flags or any(flag in flags for flag in BFLOAT16_FLAGS):
        return
    import tensorflow as tf

    if tf.config.list_physical_devices("GPU"):
        return
    _warned.append(dtype)
    warnings.warn(
        f"This CPU ({model}) has no bfloat16 instructions ({' / '.join(BFLOAT16_FLAGS)} are not "
        "among its /proc/cpuinfo flags): TensorFlow emulates bfloat16 matmuls, which then run "
        "slower than float32. Use the 'float32' dtype policy on this machine.",
        stacklevel=3,
    )
