"""Rate limiters: how long a failed item waits before it is handed out again.

These follow client-go's ``util/workqueue`` limiters. A limiter answers ``when(item, now)``:
the delay before ``item`` may be retried, given the time ``now`` on the running clock. The
queue passes ``now`` in, so a limiter never reads a clock of its own and runs unchanged on
virtual time (and is trivial to test without an event loop).

- ``ItemExponentialFailureRateLimiter``: per item, ``base * 2**failures``, capped; ``forget``
  resets the item. 5 ms, 10 ms, 20 ms, ... up to 1000 s by default.
- ``BucketRateLimiter``: one token bucket for all items (``qps`` refill, ``burst`` capacity),
  reserving a token per call as Go's ``rate.Limiter.Reserve`` does: once the bucket is empty
  each call waits one more ``1/qps`` behind the last.
- ``MaxOfRateLimiter``: the longest delay of several limiters.
- ``default_controller_rate_limiter()``: the max of the two above with client-go's figures
  (5 ms to 1000 s per item; 10 qps with a burst of 100 overall), so a single failing item
  backs off exponentially while a storm of failures cannot retry faster than 10 per second.
"""

from __future__ import annotations

from collections.abc import Hashable
from typing import Protocol, TypeVar

__all__ = [
    "BucketRateLimiter",
    "ItemExponentialFailureRateLimiter",
    "MaxOfRateLimiter",
    "RateLimiter",
    "default_controller_rate_limiter",
]

T_contra = TypeVar("T_contra", bound=Hashable, contravariant=True)

# 2.0 ** 1024 overflows a float; past this exponent every sane delay is capped anyway.
_MAX_EXPONENT = 1023


class RateLimiter(Protocol[T_contra]):
    """Decides the delay before an item is retried."""

    def when(self, item: T_contra, now: float) -> float:
        """The delay in seconds before ``item`` may be retried; counts one failure."""
        ...

    def forget(self, item: T_contra) -> None:
        """Stop tracking ``item``: it succeeded, or it is given up on."""
        ...

    def num_requeues(self, item: T_contra) -> int:
        """How many times ``item`` failed since it was last forgotten."""
        ...


class ItemExponentialFailureRateLimiter:
    """``base_delay * 2**failures`` per item, capped at ``max_delay``."""

    __slots__ = ("_failures", "base_delay", "max_delay")

    def __init__(self, base_delay: float = 0.005, max_delay: float = 1000.0) -> None:
        if base_delay < 0 or max_delay < 0:
            raise ValueError("delays must not be negative")
        self.base_delay = base_delay
        self.max_delay = max_delay
        self._failures: dict[Hashable, int] = {}

    def when(self, item: Hashable, now: float) -> float:
        failures = self._failures.get(item, 0)
        self._failures[item] = failures + 1
        return min(self.base_delay * 2.0 ** min(failures, _MAX_EXPONENT), self.max_delay)

    def forget(self, item: Hashable) -> None:
        self._failures.pop(item, None)

    def num_requeues(self, item: Hashable) -> int:
        return self._failures.get(item, 0)

    def __repr__(self) -> str:
        return f"ItemExponentialFailureRateLimiter({self.base_delay}, {self.max_delay})"


class BucketRateLimiter:
    """A token bucket shared by all items: ``burst`` calls at once, then ``qps`` per second."""

    __slots__ = ("_last", "_tokens", "burst", "qps")

    def __init__(self, qps: float = 10.0, burst: int = 100) -> None:
        if qps <= 0 or burst < 1:
            raise ValueError("qps must be positive and burst at least 1")
        self.qps = qps
        self.burst = burst
        self._tokens = float(burst)
        self._last: float | None = None

    def when(self, item: object, now: float) -> float:
        # Refill for the time elapsed, then take a token even if that leaves the bucket in
        # debt: the debt is the wait, and the next caller queues behind it.
        if self._last is not None and now > self._last:
            self._tokens = min(float(self.burst), self._tokens + (now - self._last) * self.qps)
        if self._last is None or now > self._last:
            self._last = now
        self._tokens -= 1.0
        return 0.0 if self._tokens >= 0 else -self._tokens / self.qps

    def forget(self, item: object) -> None:
        """The bucket tracks no item."""

    def num_requeues(self, item: object) -> int:
        return 0

    def __repr__(self) -> str:
        return f"BucketRateLimiter(qps={self.qps}, burst={self.burst})"


class MaxOfRateLimiter:
    """The longest delay any of its limiters asks for; every limiter counts every failure."""

    __slots__ = ("limiters",)

    def __init__(self, *limiters: RateLimiter[Hashable]) -> None:
        if not limiters:
            raise ValueError("MaxOfRateLimiter needs at least one limiter")
        self.limiters = limiters

    def when(self, item: Hashable, now: float) -> float:
        # No short cut: each limiter must see the failure (the bucket spends its token).
        return max([limiter.when(item, now) for limiter in self.limiters])

    def forget(self, item: Hashable) -> None:
        for limiter in self.limiters:
            limiter.forget(item)

    def num_requeues(self, item: Hashable) -> int:
        return max(limiter.num_requeues(item) for limiter in self.limiters)

    def __repr__(self) -> str:
        return f"MaxOfRateLimiter{self.limiters!r}"


def default_controller_rate_limiter() -> MaxOfRateLimiter:
    """client-go's ``DefaultControllerRateLimiter``: per item 5 ms doubling to 1000 s, and
    no more than 10 retries per second overall after a burst of 100."""
    return MaxOfRateLimiter(
        ItemExponentialFailureRateLimiter(0.005, 1000.0),
        BucketRateLimiter(qps=10.0, burst=100),
    )
