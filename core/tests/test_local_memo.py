import threading

import pytest

from core import caching
from core.caching import LocalMemo


@pytest.fixture
def clock(monkeypatch):
    now = [1000.0]
    monkeypatch.setattr(caching.time, "monotonic", lambda: now[0])
    return now


def test_values_are_computed_once_and_none_counts_as_a_value():
    memo = LocalMemo(max_entries=10, seconds=60)
    calls = []

    def compute():
        calls.append(1)
        return None

    assert memo.get_or_compute("k", compute) is None
    assert memo.get_or_compute("k", compute) is None
    assert len(calls) == 1


def test_least_recently_used_entries_go_first(clock):
    memo = LocalMemo(max_entries=2, seconds=60)
    memo.set_many({"a": 1, "b": 2})
    assert memo.get_many(["a"]) == {"a": 1}  # "a" is now the most recently used

    memo.set_many({"c": 3})

    assert memo.get_many(["a", "b", "c"]) == {"a": 1, "c": 3}


def test_entries_expire(clock):
    memo = LocalMemo(max_entries=10, seconds=60)
    memo.set_many({"a": 1})
    clock[0] += 59
    assert memo.get_many(["a"]) == {"a": 1}
    clock[0] += 2
    assert memo.get_many(["a"]) == {}
    assert memo.get_or_compute("a", lambda: 2) == 2


def test_clear_forgets_everything():
    memo = LocalMemo(max_entries=10, seconds=60)
    memo.set_many({"a": 1})
    memo.clear()
    assert memo.get_many(["a"]) == {}


def test_concurrent_writers_never_exceed_the_bound():
    memo = LocalMemo(max_entries=50, seconds=60)

    def write(offset: int) -> None:
        for n in range(500):
            memo.set_many({f"{offset}:{n}": n})
            memo.get_many([f"{offset}:{n - 1}"])

    threads = [threading.Thread(target=write, args=(offset,)) for offset in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert len(memo._entries) == 50
