"""Refuse weights that cannot fit in memory before allocating them."""

import math
import os

import numpy as np

# Drawing a bank holds a few copies of it at once (the draw, QR factors, the variable).
COPIES_WHILE_DRAWING = 3


def physical_memory_bytes():
    """Returns the machine's physical memory in bytes (`None` where unknown)."""
    try:
        return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (ValueError, OSError, AttributeError):
        return None


def check_fits(argument, value, shape, dtype="float32"):
    """Raises `ValueError` naming `argument` if weights of `shape` cannot be drawn here.

    Example:

    >>> check_fits("weight_sets", 10**9, (10**9, 512, 512))
    Traceback (most recent call last):
    ...
    ValueError: `weight_sets`=1000000000 asks for weights of shape (1000000000, 512, 512) in float32: 1048576.0 GB, ...
    """
    needed = math.prod(shape) * np.dtype(dtype).itemsize
    available = physical_memory_bytes()
    if available is not None and needed * COPIES_WHILE_DRAWING > available:
        raise ValueError(
            f"`{argument}`={value!r} asks for weights of shape "
            f"{tuple(shape)} in {dtype}: {needed / 1e9:.1f} GB, and drawing them needs "
            f"about {COPIES_WHILE_DRAWING}x that, but this machine has "
            f"{available / 1e9:.1f} GB of memory. Use a smaller `{argument}` or fewer units."
        )
