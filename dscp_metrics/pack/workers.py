"""A build's work shared among the machine's cores: its periods side by side, or one period's notebooks.

Workers are forked from the build process once it has imported what the sections
need and holds no store connection: they start warm (no imports, no kernel) and
see the period's report without it being written anywhere; only results travel
back. Where `fork` is not available the work runs in turn, with the same results.

A worker that dies (killed, out of memory) costs only the items it had: `lost(item)`
says what became of each. A worker dies with the build: a build that is killed
leaves no worker behind to finish a pack it would not have published.
"""

from __future__ import annotations

import ctypes
import multiprocessing
import os
import signal
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import TypeVar

Item = TypeVar("Item")
Result = TypeVar("Result")

_PR_SET_PDEATHSIG = 1  # prctl(2): the signal a process gets when its parent dies
_work: Callable | None = None  # the work of the current `share`, inherited by its forked workers
_parent: int | None = None


def default_jobs() -> int:
    """The cores this process may use."""
    if hasattr(os, "sched_getaffinity"):
        return max(1, len(os.sched_getaffinity(0)))
    return os.cpu_count() or 1


def can_fork() -> bool:
    return "fork" in multiprocessing.get_all_start_methods()


def _die_with_parent() -> None:
    """In a worker: be killed when the build is (Linux), and stop at once if it is already gone."""
    try:
        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    except (OSError, AttributeError):  # not Linux: the worker ends when its task does
        pass
    if os.getppid() != _parent:
        os._exit(1)


def _run(index: int):
    return _work(index)


def share(work: Callable[[Item], Result], items: Sequence[Item], jobs: int, lost: Callable[[Item], Result],
          done: Callable[[Result], None] | None = None) -> list[Result]:
    """`work(item)` for every item, results in the items' order, on up to `jobs` forked workers (in this
    process when there is one job or one item, or no fork); `done` is told of each result in turn."""
    global _work, _parent
    done = done or (lambda result: None)
    if jobs <= 1 or len(items) <= 1 or not can_fork():
        results = []
        for item in items:
            results.append(work(item))
            done(results[-1])
        return results
    _work, _parent = (lambda index: work(items[index])), os.getpid()
    try:
        with ProcessPoolExecutor(max_workers=min(jobs, len(items)), mp_context=multiprocessing.get_context("fork"),
                                 initializer=_die_with_parent) as pool:
            futures = [pool.submit(_run, index) for index in range(len(items))]
            results = []
            for item, future in zip(items, futures):
                try:
                    results.append(future.result())
                except BrokenProcessPool:
                    results.append(lost(item))
                done(results[-1])
            return results
    finally:
        _work = None
