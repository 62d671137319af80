"""The parts of the audit's system solved side by side: HiGHS lets go of Python's lock while it solves,
so two large parts take about the time of one on a 2-core machine.

Each part's programmes are solved in order by one thread, and a part's answer depends only on its own
programmes, so the verdicts, the evidence and the hidden cells are the same as solved one after another.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import TypeVar

T = TypeVar("T")
PARALLEL_FROM = 300  # columns: a smaller part is solved in the calling thread (its programmes cost less
#                      than handing it over)
MAX_THREADS = 4


def threads() -> int:
    """The threads the audit may use: the cores this process may run on, at most MAX_THREADS."""
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        cores = os.cpu_count() or 1
    return max(1, min(cores, MAX_THREADS))


def in_order(jobs: Iterable[tuple[int, Callable[[], T]]]) -> list[T]:
    """Each job's result, in order; `jobs`: (columns of its part, the job), made as they are needed.
    A large part goes to a pool of threads as soon as it is made; the calling thread works through the
    small ones once every job is made. An error in any job is raised here: the first in the jobs' order."""
    pool = None
    started: list[Future | Callable[[], T]] = []
    try:
        for size, job in jobs:
            if size >= PARALLEL_FROM and threads() > 1:
                pool = pool or ThreadPoolExecutor(threads(), thread_name_prefix="dscp-audit")
                started.append(pool.submit(job))
            else:
                started.append(job)
        outcomes = [_outcome(job) for job in started if not isinstance(job, Future)]  # while the pool works
        small = iter(outcomes)
        results = []
        for job in started:  # the first error in the jobs' order is raised, as if solved one after another
            value, error = _outcome(job) if isinstance(job, Future) else next(small)
            if error is not None:
                raise error
            results.append(value)
        return results
    finally:
        if pool is not None:
            pool.shutdown(wait=True, cancel_futures=True)


def _outcome(job: Future | Callable[[], T]) -> tuple[T | None, BaseException | None]:
    """A job's result and None, or None and the error it raised."""
    try:
        return (job.result() if isinstance(job, Future) else job()), None
    except Exception as error:  # raised again by `in_order`, in the jobs' order
        return None, error
