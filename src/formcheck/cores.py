"""Which CPUs a review's threads run on: while a clip is reviewed, one CPU is kept for the pose model.

The model's work on a frame is one chain of steps (our call, then mediapipe's executor threads,
one after another: ~19 ms a frame on the 2-core machine). The pictures' work beside it (decoding,
drawing, encoding, on threads of their own) is about as large on a 1080p60 clip. Left to the
scheduler, the model's steps are moved from CPU to CPU and land beside a picture thread often
enough to slow the model. With the model's thread (and the executor threads it starts) kept on one
CPU and the pictures' threads on the others, measured on the 2-core machine (1080p60 clip of 8.4 s,
5 alternated runs each): `analyze --out` 7.84 -> 7.04 s, the pose stream alone 6.95 -> 6.29 s.
Pictures larger than 1080p are another matter: their decoding alone is about the model's work,
and kept off the model's CPU the 4K copy of that clip took 9.9 s against 9.2-9.5 with the pictures'
threads free to use it (2 alternated runs each); there the model's CPU is kept, not exclusive.

Off unless a process turns it on (`keep_core_for_model`): processes reviewing beside each other
(a batch's workers, parallel test runs) would each keep the same CPU.
"""
from __future__ import annotations

import os
import threading
from contextlib import contextmanager
from typing import Iterator

_lock = threading.Lock()
_keeping = False
_kept: dict[int, int] = {}  # CPU -> model streams in this process keeping it
_exclusive: dict[int, int] = {}  # CPU -> those of them keeping it to the model alone
_others: set[int] = set()  # the CPUs left to the pictures' threads


def keep_core_for_model(on: bool = True) -> None:
    """Turn the keeping on (or off) for this process: for a process that reviews one clip at a time."""
    global _keeping
    _keeping = on


def keeping_core_for_model() -> bool:
    return _keeping


@contextmanager
def model_core(exclusive: bool = True) -> Iterator[int | None]:
    """For the block, the calling thread, and every thread it starts meanwhile (the model's executor
    threads), runs on one CPU, kept for the model; yields that CPU (None: nothing kept: turned off,
    a single CPU, or a system without CPU affinity). That thread's own CPUs are given back after,
    whichever thread leaves the block. The CPU is the one the thread is running on where it is free
    (the scheduler put this process on a CPU other processes leave idle: two reviews started side
    by side keep different CPUs), else the least kept one; two streams open at once in one process
    keep different CPUs where there are enough.

    exclusive=False: the pictures' threads may run on the model's CPU too (pictures larger than
    1080p, whose decoding alone is about as much work as the model's: see `pose.stream`)."""
    if not _keeping:
        yield None
        return
    tid = threading.get_native_id()
    try:
        allowed = os.sched_getaffinity(tid)
    except (AttributeError, OSError):
        yield None
        return
    if len(allowed) < 2:
        yield None
        return
    with _lock:
        here = _current_cpu()
        cpu = here if here in allowed and not _kept.get(here) else min(sorted(allowed), key=lambda c: _kept.get(c, 0))
        try:
            os.sched_setaffinity(tid, {cpu})
        except OSError:
            kept = None
        else:
            kept = cpu
            _kept[cpu] = _kept.get(cpu, 0) + 1
            if exclusive:
                _exclusive[cpu] = _exclusive.get(cpu, 0) + 1
            _others.update(allowed)
    if kept is None:
        yield None
        return
    try:
        yield cpu
    finally:
        with _lock:
            _kept[cpu] -= 1
            if exclusive:
                _exclusive[cpu] -= 1
            if not any(_kept.values()):
                _others.clear()
        try:
            os.sched_setaffinity(tid, allowed)
        except OSError:  # that thread has ended
            pass


def run_on(cpu: int | None) -> None:
    """Put the calling thread on the CPU a `model_core` block kept (the model's own thread, started
    later than the block, perhaps from another thread). None: nothing to do."""
    if cpu is None:
        return
    try:
        os.sched_setaffinity(0, {cpu})
    except (AttributeError, OSError):
        pass


def _current_cpu() -> int | None:
    """The CPU the calling thread last ran on (Linux: field 39 of its stat), None where unknown."""
    try:
        with open("/proc/thread-self/stat") as fh:
            stat = fh.read()
        return int(stat[stat.rindex(")") + 2:].split()[36])
    except (OSError, ValueError, IndexError):
        return None


def kept_cpus() -> set[int]:
    with _lock:
        return {c for c, n in _kept.items() if n}


def leave_model_core() -> None:
    """Move the calling thread (and the threads it starts from now on) off the CPUs kept for a
    model alone, onto the others (all of them, where the model's CPU is shared): called first by
    the pictures' threads (decoding, drawing, encoding), which may have been started on the model's.
    Nothing is done while no CPU is kept, or where every CPU is kept."""
    with _lock:
        kept = {c for c, n in _kept.items() if n}
        others = _others - {c for c, n in _exclusive.items() if n}
    if not kept or not others:
        return
    try:
        os.sched_setaffinity(0, others)
    except (AttributeError, OSError):  # not allowed here: the same work, on any CPU
        pass
