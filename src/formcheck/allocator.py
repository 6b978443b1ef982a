"""Fewer malloc arenas, so that memory freed on one thread is reused by the others.

glibc gives each thread that allocates an arena of its own, up to 8 per core, and each arena keeps
what was freed in it. A review's pictures (2.7 MB each at 720p) are made on the decoding thread and
freed on the model's, the reader's or the writer's; with one arena per thread the peak grew with the
clip's length: `analyze --exercise auto --out` on the 1080p60 clip x4 (33.6 s, 2 cores) peaked at
585 MiB (664 in one benchmark run) against 400 with two arenas, in the same time (24.5 / 24.0 s). On
the 8.4 s clip, named: 385 against 377 MiB, 7.13 / 7.15 s (3 alternated runs). One arena: 424 MiB.
"""
from __future__ import annotations

import ctypes
import os
import sys

M_ARENA_MAX = -8  # glibc's mallopt parameter
MALLOC_ARENAS = 2
_set = False


def fewer_arenas() -> bool:
    """Limit this process to MALLOC_ARENAS arenas (once; from then on, new threads share them).
    False where it is not done (not glibc; MALLOC_ARENA_MAX, a glibc tunable or a preloaded
    allocator already says how): the same work, with more memory."""
    global _set
    if _set:
        return True
    if not sys.platform.startswith("linux"):
        return False
    if "MALLOC_ARENA_MAX" in os.environ or "arena_max" in os.environ.get("GLIBC_TUNABLES", "") \
            or "LD_PRELOAD" in os.environ:  # the user's own choice, or another allocator
        return False
    try:
        mallopt = ctypes.CDLL(None).mallopt
    except (OSError, AttributeError):
        return False
    _set = bool(mallopt(M_ARENA_MAX, MALLOC_ARENAS))
    return _set
