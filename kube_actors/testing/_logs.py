"""Log capture: every structlog event a cluster emits, kept as data for a test to assert on.

Every actor logs through structlog with constant event names and key-value data
(``pod_bound``, ``node=node-1``), so a test asks "was this pod bound, where" by looking the
event up instead of parsing text. Capturing replaces rendering, so a captured cluster also
prints nothing, which keeps a test's output (and its time) to what the test says.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, MutableMapping
from typing import Any

import structlog
from structlog.testing import LogCapture

__all__ = ["ClusterLogs", "capture_cluster_logs"]


class ClusterLogs(list[MutableMapping[str, Any]]):
    """The captured events, oldest first; each a dict with ``event``, ``log_level`` and the
    keys its logger was bound with (``component``, ``actor``, ``node``...)."""

    def find(self, event: str, **keys: Any) -> list[MutableMapping[str, Any]]:
        """The events named ``event`` whose data holds every ``keys`` item."""
        return [
            entry
            for entry in self
            if entry.get("event") == event and all(entry.get(k) == v for k, v in keys.items())
        ]

    def at_level(self, *levels: str) -> list[MutableMapping[str, Any]]:
        """The events logged at any of ``levels`` ("warning", "error"...)."""
        return [entry for entry in self if entry.get("log_level") in levels]

    def events(self) -> list[str]:
        """The event names, in order (handy in an assertion message)."""
        return [str(entry.get("event")) for entry in self]


@contextlib.contextmanager
def capture_cluster_logs() -> Iterator[ClusterLogs]:
    """Capture structlog's events (from every logger) into a live ``ClusterLogs``.

    Like ``structlog.testing.capture_logs``, the processors of the configuration are
    swapped in place, so loggers bound before entering are captured too, and put back after.
    """
    logs = ClusterLogs()
    was_configured = structlog.is_configured()
    capture = LogCapture()
    capture.entries = logs
    processors = structlog.get_config()["processors"]
    saved = list(processors)
    processors.clear()
    processors.append(capture)
    structlog.configure(processors=processors)
    try:
        yield logs
    finally:
        processors.clear()
        processors.extend(saved)
        structlog.configure(processors=processors)
        if not was_configured:
            # Back to "not configured", so that kube_actors is quiet again (see _log).
            structlog.reset_defaults()
