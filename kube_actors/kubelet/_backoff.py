"""The kubelet's restart back-off (client-go's ``flowcontrol.Backoff``), on the running clock.

After a container exits, ``in_backoff(key, finished_at, now)`` says how long to wait before
the restart. The first restart comes at once; ``record(key, finished_at)`` then starts the
back-off at ``initial`` seconds and doubles it at each restart up to ``maximum``: restarts at
0, 10, 20, 40, 80, 160, 300, 300 s after each exit. An exit more than twice ``maximum``
(10 minutes) after the previous one means the container ran cleanly that long: the back-off
starts over.
"""

from __future__ import annotations

__all__ = ["Backoff"]


class Backoff:
    """Per-key exponential back-off; times are seconds on the running clock."""

    __slots__ = ("_entries", "initial", "maximum")

    def __init__(self, initial: float = 10.0, maximum: float = 300.0) -> None:
        self.initial = initial
        self.maximum = maximum
        self._entries: dict[str, tuple[float, float]] = {}  # key -> (delay, last event)

    def _expired(self, event_time: float, last: float) -> bool:
        return event_time - last > 2 * self.maximum

    def remaining(self, key: str, event_time: float, now: float) -> float:
        """Seconds left before ``key`` may restart after an event at ``event_time`` (0: now)."""
        entry = self._entries.get(key)
        if entry is None:
            return 0.0
        delay, last = entry
        if self._expired(event_time, last):
            return 0.0
        return max(0.0, event_time + delay - now)

    def record(self, key: str, event_time: float) -> float:
        """Note a restart for the event at ``event_time``; the back-off for the next one."""
        entry = self._entries.get(key)
        if entry is None or self._expired(event_time, entry[1]):
            delay = self.initial
        else:
            delay = min(entry[0] * 2, self.maximum)
        self._entries[key] = (delay, event_time)
        return delay

    def current(self, key: str) -> float:
        entry = self._entries.get(key)
        return entry[0] if entry else 0.0

    def forget(self, key: str) -> None:
        self._entries.pop(key, None)
