"""Keep glibc's heap from growing with the length of a scan.

glibc serves allocations from ``mmap`` above a threshold (128 KiB at start) and returns them
to the system when freed. But each time such a block is freed, glibc raises the threshold to
its size (up to 32 MiB), so after the first few batches every multi-MiB buffer of a scan --
pickled batches on their way to a pool worker, CSV blocks, finding tables -- is carved from
the heap instead, and the heap fragments: a 10^7-row CSV scan's driver grew from ~400 to
570 MiB, its tree past 1 GiB, although Arrow's own pool held 42 MiB throughout. Fixing the
threshold (``mallopt(M_MMAP_THRESHOLD)``, which also turns the dynamic raise off) kept the
driver flat at ~300 MiB (peak 331) at the same speed.

The setting is process-wide and stays: allocations of 1 MiB and more get their own mapping,
which is what they got before glibc raised the threshold. Elsewhere (musl, macOS, Windows)
there is no ``mallopt`` and this does nothing.
"""

from __future__ import annotations

import ctypes
import functools

#: Allocations from this size up are mapped on their own and unmapped when freed.
MMAP_THRESHOLD = 1 << 20
#: glibc's ``M_MMAP_THRESHOLD`` (malloc.h).
_M_MMAP_THRESHOLD = -3


@functools.cache
def bound_heap() -> bool:
    """Fix the mmap threshold of this process's C allocator, once; whether it was set."""
    try:
        mallopt = ctypes.CDLL(None).mallopt
    except (OSError, AttributeError, TypeError):  # no C library by that name, no mallopt
        return False
    mallopt.argtypes = [ctypes.c_int, ctypes.c_int]
    mallopt.restype = ctypes.c_int
    return bool(mallopt(_M_MMAP_THRESHOLD, MMAP_THRESHOLD))
