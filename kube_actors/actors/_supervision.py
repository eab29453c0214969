"""Supervision: when a crashed actor is restarted, and when its failure goes up a level.

Erlang's one-for-one restart intensity: an actor may fail ``max_restarts`` times within
``within`` seconds; one failure more and the failure escalates to its parent (the actor that
spawned it, or the system at the root). Between restarts the actor waits an exponential
back-off, so a crash loop does not spin the event loop.
"""

from __future__ import annotations

from collections import deque

import attrs

__all__ = ["RestartHistory", "Supervision"]


@attrs.frozen(kw_only=True)
class Supervision:
    """How an actor's crashes are handled; durations are seconds on the running clock."""

    max_restarts: int = attrs.field(default=3, validator=attrs.validators.ge(0))
    within: float = attrs.field(default=10.0, validator=attrs.validators.gt(0))
    backoff_initial: float = attrs.field(default=0.1, validator=attrs.validators.ge(0))
    backoff_max: float = attrs.field(default=10.0, validator=attrs.validators.ge(0))


class RestartHistory:
    """The recent failures of one actor, to decide its next restart."""

    __slots__ = ("_failures", "_policy", "restarts")

    def __init__(self, policy: Supervision) -> None:
        self._policy = policy
        self._failures: deque[float] = deque()
        self.restarts = 0

    def record_failure(self, now: float) -> float | None:
        """Note a failure at ``now``: the back-off before restarting, or None to escalate."""
        policy = self._policy
        self._failures.append(now)
        while self._failures and self._failures[0] <= now - policy.within:
            self._failures.popleft()
        recent = len(self._failures)
        if recent > policy.max_restarts:
            return None
        self.restarts += 1
        return min(policy.backoff_initial * 2.0 ** (recent - 1), policy.backoff_max)
