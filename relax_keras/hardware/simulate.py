"""A NumPy-only reference of an exported ReLaX-Net, and its per-inference costs."""

import numpy as np

from relax_keras.physics import NONLINEARITIES
from relax_keras.schedules import count_switch_events


def simulate(spec, inputs, report=False):
    """Runs an exported model on `inputs` with NumPy alone.

    Reproduces the Keras model's outputs (float32; max abs difference about 1e-6).

    Args:
        spec: a description from `relax_keras.hardware.load`.
        inputs: a NumPy array shaped like the Keras model's input.
        report: bool, whether to also return `inference_report(spec, ...)` for the
            input's sequence length.

    Returns:
        The outputs, or `(outputs, report)`.
    """
    arrays = spec["arrays"]
    x = np.asarray(inputs)
    for stage in spec["stages"]:
        named = {key: arrays[name].astype(spec["dtype"]) for key, name in stage["arrays"].items()}
        if stage["type"] == "embedding":
            x = named["embeddings"][_checked_ids(x, len(named["embeddings"]))]
        elif stage["type"] == "reshape":
            x = x.reshape((x.shape[0], *stage["target_shape"]))
        elif stage["type"] == "dense":
            x = NONLINEARITIES[stage["activation"]](x.astype(spec["dtype"]) @ named["kernel"] + named["bias"])
        else:
            length = None if stage["static_input"] else x.shape[1]
            x = _run_block(stage, named, x.astype(spec["dtype"]))
    if not report:
        return x
    return x, inference_report(spec, length)


def _checked_ids(ids, vocabulary_size):
    """The ids as int64, or `ValueError` for non-integers and ids outside the vocabulary."""
    if ids.size and (not np.all(np.isfinite(ids)) or np.any(ids != np.round(ids))
                     or ids.min() < 0 or ids.max() >= vocabulary_size):
        raise ValueError(
            f"Received an invalid value for argument `inputs`: expected integer ids from 0 to "
            f"{vocabulary_size - 1}, got values from {ids.min()} to {ids.max()}."
        )
    return ids.astype(np.int64)


def _run_block(stage, named, x):
    phi = NONLINEARITIES[stage["activation"]]
    bank = named["recurrent_kernel"]
    bank_bias = named.get("bias", np.zeros(bank.shape[:2], bank.dtype))
    projected = x @ named["kernel"]  # (B, [T,] N), one matmul for all steps
    if stage["static_input"]:
        state = phi(projected + named["input_bias"] if "input_bias" in named else projected)
        inject = stage["input_injection"] == "every"
        step_inputs = [projected if inject else 0.0] * len(stage["switch_positions"])
        per_element = 1
    else:
        state = np.zeros((x.shape[0], stage["units"]), x.dtype)
        per_element = stage["steps_per_input"]
        step_inputs = []
        for t in range(x.shape[1]):
            for j in range(per_element):
                shown = j == 0 or stage["input_injection"] == "every"
                step_inputs.append(projected[:, t] if shown else 0.0)
    positions = stage["switch_positions"]
    states = []
    for k, u in enumerate(step_inputs):
        weight_set = positions[k % len(positions)]
        state = phi(state @ bank[weight_set] + bank_bias[weight_set] + u)
        states.append(state)
    if stage["return_sequences"]:
        return np.stack(states[per_element - 1 :: per_element], axis=1)
    return state


def inference_report(spec, length=None):
    """Counts the hardware events of one inference (one example).

    Args:
        spec: a description from `relax_keras.hardware.load`.
        length: the sequence length, for a sequence model.

    Returns:
        A dict per ReLaX block: `switched_steps`, `switch_events` (changes of the
        active weight set), `programming_events` (weight sets written before the
        inference: always L_W), `macs_per_weight_set` (multiply-accumulates of the
        switched steps on each set) and `input_macs` (the input coupling).
    """
    reports = []
    for stage in spec["stages"]:
        if stage["type"] != "relax_block":
            continue
        positions = stage["switch_positions"]
        if stage["static_input"]:
            steps, elements = len(positions), 1
        else:
            if length is None:
                raise ValueError("`length` is needed for the report of a sequence model.")
            elements = length
            steps = length * stage["steps_per_input"]
        used = [positions[k % len(positions)] for k in range(steps)]
        units = stage["units"]
        input_dim = spec["arrays"][stage["arrays"]["kernel"]].shape[0]
        reports.append(
            {
                "block": stage["name"],
                "switched_steps": steps,
                "switch_events": count_switch_events(used),
                "programming_events": stage["weight_sets"],
                "macs_per_weight_set": [used.count(s) * units * units for s in range(stage["weight_sets"])],
                "input_macs": elements * input_dim * units,
            }
        )
    return reports[0] if len(reports) == 1 else reports
