"""How the process's C allocator hands freed memory back: set once, by the first Assistant of a process.

Why: an Assistant over a large index holds about a gigabyte for as long as it runs, and every reload
or ingest passes through hundreds of megabytes of short-lived native buffers (Chroma's reads, the
encoder's activations). glibc serves buffers that size from its heaps once a freed one has raised its
dynamic mmap threshold, and a hole in a heap is not returned to the system: at 10,000 cases the serving
process's peak grew from about 1.0 GB at start to 1.3 GB after one ingest, most of it freed memory still
held (bench/scale.py). A fixed threshold maps each such buffer on its own and unmaps it when freed;
two arenas instead of one per thread keep what the threads free in fewer heaps. Answer times were
the same within the machine's noise.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import threading

_M_TRIM_THRESHOLD = -1  # glibc's malloc.h parameter numbers
_M_MMAP_THRESHOLD = -3
_M_ARENA_MAX = -8
_SETTINGS = {_M_MMAP_THRESHOLD: 128 * 1024, _M_TRIM_THRESHOLD: 128 * 1024, _M_ARENA_MAX: 2}

_done = False
_lock = threading.Lock()


def return_freed_memory() -> bool:
    """Have glibc map large buffers on their own and trim its heaps promptly; False where there is no glibc."""
    global _done
    with _lock:
        if _done:
            return True
        if not _glibc():
            return False
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        _done = all(libc.mallopt(param, value) == 1 for param, value in _SETTINGS.items())
        return _done


def _glibc() -> bool:
    try:
        return (os.confstr("CS_GNU_LIBC_VERSION") or "").startswith("glibc")
    except (AttributeError, ValueError, OSError):  # not a glibc system
        return False
