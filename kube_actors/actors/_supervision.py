"""Supervision: when a crashed actor is restarted, and when its failure goes up a level.

Erlang's one-for-one restart intensity: an actor may fail ``max_restarts`` times within
``within`` seconds; one failure more and the failure escalates to its parent (the actor that
spawned it, or the system at the root). Between restarts the actor waits an exponential
back-off, so a crash loop does not spin the event loop.

``escalate=False`` is the policy of a Kubernetes component instead (a kubelet restarting a
static pod, systemd restarting a daemon): past the intensity the actor is *crash looping*,
which is reported, and it restarts forever, its back-off doubling up to ``backoff_max``
until it has run ``2 * backoff_max`` seconds without failing (the kubelet's
CrashLoopBackOff resets the same way). Its failure never reaches anyone else.
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
    #: Past ``max_restarts`` within ``within``: escalate (True), or go on restarting as a
    #: crash loop with a growing back-off (False).
    escalate: bool = True


class RestartHistory:
    """The recent failures of one actor, to decide its next restart."""

    __slots__ = ("_failures", "_looping", "_policy", "_restarted_at", "_streak", "restarts")

    def __init__(self, policy: Supervision) -> None:
        self._policy = policy
        self._failures: deque[float] = deque()
        self.restarts = 0
        self._looping = False
        # Consecutive failures without a long enough healthy run between them, and when
        # the current incarnation started (for escalate=False).
        self._streak = 0
        self._restarted_at = 0.0

    def record_failure(self, now: float) -> float | None:
        """Note a failure at ``now``: the back-off before restarting, or None to escalate."""
        policy = self._policy
        self._failures.append(now)
        while self._failures and self._failures[0] <= now - policy.within:
            self._failures.popleft()
        recent = len(self._failures)
        if policy.escalate:
            if recent > policy.max_restarts:
                return None
            self.restarts += 1
            return min(policy.backoff_initial * 2.0 ** (recent - 1), policy.backoff_max)
        if now - self._restarted_at >= 2 * policy.backoff_max:
            self._streak = 0  # it ran long enough to count as healthy again
        self._streak += 1
        self._looping = recent > policy.max_restarts or (self._looping and self._streak > 1)
        self.restarts += 1
        delay = min(policy.backoff_initial * 2.0 ** min(self._streak - 1, 64), policy.backoff_max)
        self._restarted_at = now + delay
        return delay

    def crash_looping(self, now: float) -> bool:
        """Whether the failures came faster than the policy's intensity (escalate=False) and
        the actor has not run long enough since to count as healthy again."""
        return self._looping and now - self._restarted_at < 2 * self._policy.backoff_max
