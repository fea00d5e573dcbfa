"""bench.common.one_client: what every bench client does around its work."""

from __future__ import annotations

import threading
from dataclasses import dataclass

from src_dash.bench.common import one_client


@dataclass
class _Run:
    error: str = ""


class _Client:
    def __init__(self) -> None:
        self.closed = 0

    def close(self) -> None:
        self.closed += 1


def test_a_failing_client_keeps_its_error_lets_the_others_go_and_is_closed() -> None:
    run, client, start = _Run(), _Client(), threading.Barrier(2)
    with one_client(run, client, start):
        raise ValueError("no socket")
    assert run.error == "ValueError: no socket"
    assert start.broken
    assert client.closed == 1


def test_a_client_that_works_is_closed_and_the_barrier_left_alone() -> None:
    run, client, start = _Run(), _Client(), threading.Barrier(1)
    with one_client(run, client, start):
        start.wait()
    assert run.error == ""
    assert not start.broken
    assert client.closed == 1


def test_an_already_broken_barrier_is_no_second_error() -> None:
    run, client, start = _Run(), _Client(), threading.Barrier(2)
    start.abort()
    with one_client(run, client, start):
        start.wait()
    assert run.error == "BrokenBarrierError: "
    assert client.closed == 1
