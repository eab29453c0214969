"""Expectations: what a controller has asked for and not yet seen in its informer's cache.

kube-controller-manager's ``UIDTrackingControllerExpectations``. Before creating Pods a
controller expects that many creations; before deleting Pods it expects the deletion of
exactly those Pods (by ``namespace/name``). The Pod informer's handlers count them off as the
events arrive. Until every expected event has been seen (or five minutes have passed, in case
one was lost), ``satisfied`` answers False and the controller leaves the replica count alone:
its cache is behind its own writes, and acting on it would create or delete twice.

Only the controller's own event handlers and its reconciles touch an ``Expectations``; all run
on the one event loop, so there is nothing to lock.
"""

from __future__ import annotations

from collections.abc import Iterable

from kube_actors.actors import monotonic

__all__ = ["EXPECTATIONS_TIMEOUT", "Expectations"]

#: After this long, unmet expectations are presumed lost and the controller acts again.
EXPECTATIONS_TIMEOUT = 5 * 60.0


class _Expected:
    __slots__ = ("adds", "deletes", "since")

    def __init__(self, adds: int, deletes: set[str], since: float) -> None:
        self.adds = adds
        self.deletes = deletes
        self.since = since

    def fulfilled(self) -> bool:
        return self.adds <= 0 and not self.deletes


class Expectations:
    """Pending creations (a count) and deletions (the keys) per controller key."""

    __slots__ = ("_by_key",)

    def __init__(self) -> None:
        self._by_key: dict[str, _Expected] = {}

    def satisfied(self, key: str) -> bool:
        """Whether ``key`` may act: nothing is pending, or what was pending has expired."""
        expected = self._by_key.get(key)
        if expected is None or expected.fulfilled():
            return True
        return monotonic() - expected.since > EXPECTATIONS_TIMEOUT

    def expect(self, key: str, *, adds: int = 0, deletes: Iterable[str] = ()) -> None:
        """Expect ``adds`` more creations and the deletion of ``deletes`` for ``key``, on top
        of what is still pending (an overshoot of earlier observations is not carried)."""
        expected = self._by_key.get(key)
        now = monotonic()
        if expected is None or expected.fulfilled():
            self._by_key[key] = _Expected(max(adds, 0), set(deletes), now)
            return
        expected.adds = max(expected.adds, 0) + adds
        expected.deletes.update(deletes)
        expected.since = now

    def creation_observed(self, key: str) -> None:
        """One creation seen (or one that will never come: a create that failed)."""
        expected = self._by_key.get(key)
        if expected is not None:
            expected.adds -= 1

    def deletion_observed(self, key: str, pod_key: str) -> None:
        """The deletion of ``pod_key`` seen; seeing it twice counts once."""
        expected = self._by_key.get(key)
        if expected is not None:
            expected.deletes.discard(pod_key)

    def delete(self, key: str) -> None:
        """Forget ``key`` (its object is gone)."""
        self._by_key.pop(key, None)

    def pending(self, key: str) -> tuple[int, int]:
        """Creations and deletions still expected for ``key``."""
        expected = self._by_key.get(key)
        if expected is None:
            return (0, 0)
        return (max(expected.adds, 0), len(expected.deletes))
