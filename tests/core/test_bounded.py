"""Bounded caches: a full cache is cleared, so it never holds more than its bound."""

from __future__ import annotations

from merit.core.bounded import keep


def test_a_cache_never_holds_more_than_its_bound_and_keeps_the_newest_entry() -> None:
    cache: dict[int, str] = {}
    for number in range(10):
        assert keep(cache, number, str(number), 4) == str(number)
        assert len(cache) <= 4
        assert cache[number] == str(number)
    assert cache == {8: "8", 9: "9"}, "cleared when the fifth entry came (at 4 and at 8)"
