"""The audit's shortcuts give the verdicts of the plain method: witnesses against exact ranges, parts
solved side by side against one after another, and quantities that keep their hash across processes (the
incremental pass over groups is tested against a full sweep in test_disclosure)."""

from __future__ import annotations

import pickle
import random
import threading

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dscp_metrics.compute import compute
from dscp_metrics.compute.quantities import Quantity
from dscp_metrics.disclosure import parallel
from dscp_metrics.disclosure.witness import Witnesses, rules_out
from dscp_metrics.periods import parse_periods
from dscp_metrics.publication.publish import audit_published, publish
from dscp_metrics.store import open_store

# --- parts solved side by side ----------------------------------------------------------------------------


def test_in_order_keeps_the_order_of_the_jobs_and_uses_the_pool_for_large_parts(monkeypatch):
    monkeypatch.setattr(parallel, "threads", lambda: 2)
    names = {}

    def job(k):
        def run():
            names[k] = threading.current_thread().name
            return k * k
        return run

    sizes = [parallel.PARALLEL_FROM, 1, parallel.PARALLEL_FROM + 5, 0]
    assert parallel.in_order((size, job(k)) for k, size in enumerate(sizes)) == [0, 1, 4, 9]
    assert names[0].startswith("dscp-audit") and names[2].startswith("dscp-audit")
    assert names[1] == names[3] == threading.current_thread().name  # small parts stay in the caller


@pytest.mark.parametrize("size", [0, parallel.PARALLEL_FROM])
def test_in_order_raises_an_error_from_any_job(monkeypatch, size):
    monkeypatch.setattr(parallel, "threads", lambda: 2)

    def fails():
        raise ValueError("part 2 contradicts itself")

    with pytest.raises(ValueError, match="part 2 contradicts itself"):
        parallel.in_order([(size, lambda: 1), (size, fails), (size, lambda: 3)])


def test_the_first_error_in_the_jobs_order_is_raised_wherever_it_was_solved(monkeypatch):
    monkeypatch.setattr(parallel, "threads", lambda: 2)

    def fails(part):
        def run():
            raise ValueError(f"part {part}")
        return run

    # part 0 goes to the pool, part 1 is solved in the caller first: one after another, part 0 fails first
    with pytest.raises(ValueError, match="part 0"):
        parallel.in_order([(parallel.PARALLEL_FROM, fails(0)), (1, fails(1))])


def test_one_thread_solves_everything_in_the_caller(monkeypatch):
    monkeypatch.setattr(parallel, "threads", lambda: 1)
    caller = threading.current_thread().name
    assert parallel.in_order([(10_000, lambda: threading.current_thread().name)]) == [caller]


def test_threads_are_the_cores_this_process_may_use_at_most_four():
    assert 1 <= parallel.threads() <= parallel.MAX_THREADS


def _sample_publication(sample_db):
    con = open_store(sample_db)
    try:
        periods = ["2024-25", "2024-25-Q1", "2024-25-Q2", "2024-25-Q3", "2024-25-Q4",
                   *[f"2024-{m:02d}" for m in range(4, 13)], "2025-01", "2025-02", "2025-03"]
        computed = compute(con, parse_periods(periods), None)
    finally:
        con.close()
    return computed


def test_parts_solved_side_by_side_publish_and_audit_as_one_after_another(monkeypatch, sample_db):
    computed = _sample_publication(sample_db)

    handed_over = []

    class CountingPool(parallel.ThreadPoolExecutor):
        def submit(self, job, *args):
            handed_over.append(job)
            return super().submit(job, *args)

    monkeypatch.setattr(parallel, "ThreadPoolExecutor", CountingPool)

    def run(threads: int, parallel_from: int):
        monkeypatch.setattr(parallel, "threads", lambda: threads)
        monkeypatch.setattr(parallel, "PARALLEL_FROM", parallel_from)
        pub = publish(computed.frame, suppress=True, threshold=5, categories=computed.categories)
        return pub.shown, audit_published(computed.frame.assign(hidden=_every_other(computed.frame)), 5)

    serial_shown, serial_findings = run(1, parallel.PARALLEL_FROM)
    assert not handed_over
    pooled_shown, pooled_findings = run(2, 0)  # every part handed to the pool
    assert len(handed_over) > 10
    assert serial_shown["hidden"].sum() > 0
    assert serial_shown.equals(pooled_shown)
    assert [f.describe(5) for f in serial_findings] == [f.describe(5) for f in pooled_findings]
    assert serial_findings  # hiding every other count of 1 to 5 alone leaks: the audit is exercised


def _every_other(rows):
    """Every other row with a count of 1 to 5 hidden, nothing else: a suppression that leaks."""
    counts = pd.to_numeric(rows["numerator"], errors="coerce")
    small = counts.between(1, 5).to_numpy() & (rows["unit"] == "count").to_numpy()
    picked = np.zeros(len(rows), dtype=bool)
    picked[np.flatnonzero(small)[::2]] = True
    return picked


# --- witnesses ------------------------------------------------------------------------------------------


class _Part:
    """Just what `Witnesses` reads of a system: its number of unknowns and each objective's row."""

    def __init__(self, n: int) -> None:
        self.n = n

    def objective(self, expression: dict[int, float]) -> np.ndarray:
        c = np.zeros(self.n)
        for v, coefficient in expression.items():
            c[v] += coefficient
        return c


@given(st.integers(min_value=0, max_value=10_000), st.integers(min_value=1, max_value=6))
@settings(max_examples=200, deadline=None)
def test_a_witness_settles_exactly_the_numbers_whose_span_rules_the_disclosure_out(seed, threshold):
    rng = random.Random(seed)
    n = rng.randint(1, 6)
    quantities = [Quantity("m", f"2024-{k + 1:02d}") for k in range(rng.randint(1, 6))]
    expressions = {q: {v: float(rng.choice([1, 1, 2, -1])) for v in rng.sample(range(n), rng.randint(1, n))}
                   for q in quantities}
    truth_x = np.array([rng.randint(0, 8) for _ in range(n)], dtype=float)
    truth = {q: sum(c * truth_x[v] for v, c in e.items()) for q, e in expressions.items()}
    small = {q for q in quantities if rng.random() < 0.7}
    witnesses = Witnesses(_Part(n), expressions, truth, threshold, small)
    low, high = dict(truth), dict(truth)
    for _ in range(4):
        x = truth_x + np.array([rng.choice([0, 0, 0.5, 1, -1, 3]) for _ in range(n)])
        before = set(witnesses.open)
        settled = witnesses.see(x)
        for q in before:
            value = sum(c * x[v] for v, c in expressions[q].items())
            low[q], high[q] = min(low[q], value), max(high[q], value)
        expected = {q for q in before if rules_out(low[q], high[q], truth[q], threshold, q in small)}
        assert settled == len(expected)
        assert before - set(witnesses.open) == expected
        for q in expected:
            assert witnesses.safe[q][:2] == pytest.approx((low[q], high[q]))
    assert witnesses.see(None) == 0


def test_the_objective_of_the_open_numbers_is_their_sum():
    a, b = Quantity("m", "2024-01"), Quantity("m", "2024-02")
    witnesses = Witnesses(_Part(3), {a: {0: 1.0, 1: 1.0}, b: {1: 2.0, 2: 1.0}}, {a: 10, b: 10}, 5, set())
    assert witnesses.objective().tolist() == [1.0, 3.0, 1.0]
    witnesses.see(np.array([20.0, 0.0, 10.0]))  # a = 20 rules a out; b = 10 does not move
    assert witnesses.open == [b] and witnesses.objective().tolist() == [0.0, 2.0, 1.0]


# --- quantities ------------------------------------------------------------------------------------------


def test_a_quantity_keeps_its_hash_only_in_the_process_that_worked_it_out():
    q = Quantity("restraint_incidents", "2024-25", (("injury_level", ("2", "3")),))
    assert hash(q) == hash(("restraint_incidents", "2024-25", (("injury_level", ("2", "3")),)))
    copy = pickle.loads(pickle.dumps(q))
    assert "_hash" not in copy.__dict__ and copy == q and hash(copy) == hash(q)
    assert {q: 1}[copy] == 1
