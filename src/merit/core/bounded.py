"""Bounded in-memory caches: one policy for every cache in ``merit.core``.

Documents choose the keys of most caches (contexts, terms, literals), so each cache has a bound. A full cache is
cleared rather than trimmed: trimming iterates the dict, which raises if another thread changes it meanwhile, and
what is used often comes back at once.
"""

from __future__ import annotations

from typing import Any, TypeVar

V = TypeVar("V")


def keep(cache: dict[Any, Any], key: Any, value: V, limit: int) -> V:
    """Store ``value`` under ``key`` in ``cache``, clearing the cache first if it holds ``limit`` entries; return
    ``value``."""
    if len(cache) >= limit:
        cache.clear()
    cache[key] = value
    return value
