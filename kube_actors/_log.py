"""Where kube_actors' logs go: a library's manners, quiet until asked.

kube_actors never configures logging; it decides at each event where the event goes:

- the application configured structlog (``structlog.configure(...)``, as the ``kube-actors``
  command does, or a test capturing logs): the event goes through that configuration, with
  the keys its logger was bound with (``component=``, ``actor=``...). A configuration equal
  to structlog's defaults does not count: ``structlog.testing.capture_logs()`` leaves one
  behind, marked "configured";
- otherwise it goes to Python's ``logging``, to the logger named ``kube_actors.<part>``, as
  one rendered line, only if that logger is enabled for its level. With nothing configured
  that is warnings and errors, to stderr (logging's last-resort handler); an application's
  own ``logging.basicConfig(level=logging.DEBUG)`` or
  ``logging.getLogger("kube_actors").setLevel(...)`` shows more, through its handlers.

The environment variable ``KUBE_ACTORS_LOG`` (``debug``, ``info``, ``warning``, ``error``)
sets the ``kube_actors`` logger's level, with a stderr handler of its own if logging has no
handler at all: a way to see more without touching the program.

The decision is taken per event, not when a logger is made, so an actor made before the
application configured structlog (or before a test started capturing) logs the new way.
"""

from __future__ import annotations

import logging
import os
import sys
import warnings
from typing import Any, cast

import structlog
from structlog.typing import FilteringBoundLogger

__all__ = ["LOG_LEVEL_ENV", "get_logger", "level_from_environment"]

#: The environment variable that sets the level of the ``kube_actors`` loggers.
LOG_LEVEL_ENV = "KUBE_ACTORS_LOG"

_LEVELS = {
    "debug": logging.DEBUG,
    "info": logging.INFO,
    "warning": logging.WARNING,
    "error": logging.ERROR,
    "critical": logging.CRITICAL,
}
_RENDER = structlog.dev.ConsoleRenderer(
    colors=False, exception_formatter=structlog.dev.plain_traceback
)
_environment_read = False
#: What a filtering logger (``structlog.make_filtering_bound_logger``) has for each level
#: below its own: one no-op function. An event that would land there is dropped before a
#: logger is looked up and bound (a debug event on a hot path costs a check, not a bind).
_DROPPED = structlog.make_filtering_bound_logger(logging.CRITICAL).debug


def _settings_of(config: dict[str, Any]) -> tuple[Any, ...]:
    return (tuple(config["processors"]), config["wrapper_class"], config["logger_factory"])


# structlog's own defaults, as found when kube_actors was imported (if nobody had configured
# it yet). structlog.testing.capture_logs() marks structlog "configured" for good, though
# it puts the defaults back; a configuration equal to them is no application's choice.
_DEFAULTS = None if structlog.is_configured() else _settings_of(structlog.get_config())


def _application_configured() -> bool:
    if not structlog.is_configured():
        return False
    return _DEFAULTS is None or _settings_of(structlog.get_config()) != _DEFAULTS


def get_logger(name: str) -> FilteringBoundLogger:
    """The logger of a part of kube_actors (``kube_actors.proxy``...), typed as structlog's.

    It binds like structlog's (``log.bind(actor=...)``) and decides at each event where the
    event goes (see the module docstring).
    """
    return cast("FilteringBoundLogger", _Logger(logging.getLogger(name), {}))


def level_from_environment() -> int | None:
    """The level ``KUBE_ACTORS_LOG`` asks for, if any (a warning if it names none)."""
    value = os.environ.get(LOG_LEVEL_ENV, "").strip().lower()
    if not value:
        return None
    level = _LEVELS.get(value)
    if level is None:
        warnings.warn(
            f"{LOG_LEVEL_ENV}={value!r} is not a level: use one of {', '.join(_LEVELS)}",
            stacklevel=3,
        )
    return level


def _read_environment() -> None:
    """Apply ``KUBE_ACTORS_LOG`` once, at the first event that reaches logging."""
    global _environment_read
    _environment_read = True
    level = level_from_environment()
    if level is None:
        return
    package = logging.getLogger("kube_actors")
    package.setLevel(level)
    if not package.handlers and not logging.getLogger().handlers:
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("%(message)s"))
        package.addHandler(handler)


class _Logger:
    """A bound logger whose destination is chosen per event (see the module docstring)."""

    __slots__ = ("_context", "_stdlib")

    def __init__(self, stdlib: logging.Logger, context: dict[str, Any]) -> None:
        self._stdlib = stdlib
        self._context = context

    def bind(self, **values: Any) -> _Logger:
        return _Logger(self._stdlib, {**self._context, **values})

    def new(self, **values: Any) -> _Logger:
        return _Logger(self._stdlib, values)

    def unbind(self, *keys: str) -> _Logger:
        missing = [key for key in keys if key not in self._context]
        if missing:
            raise KeyError(missing[0])
        return self.try_unbind(*keys)

    def try_unbind(self, *keys: str) -> _Logger:
        return _Logger(self._stdlib, {k: v for k, v in self._context.items() if k not in keys})

    def debug(self, event: str, *args: Any, **values: Any) -> None:
        self._emit(logging.DEBUG, "debug", event, args, values)

    def info(self, event: str, *args: Any, **values: Any) -> None:
        self._emit(logging.INFO, "info", event, args, values)

    def warning(self, event: str, *args: Any, **values: Any) -> None:
        self._emit(logging.WARNING, "warning", event, args, values)

    def error(self, event: str, *args: Any, **values: Any) -> None:
        self._emit(logging.ERROR, "error", event, args, values)

    def exception(self, event: str, *args: Any, **values: Any) -> None:
        values.setdefault("exc_info", True)
        self._emit(logging.ERROR, "error", event, args, values)

    def critical(self, event: str, *args: Any, **values: Any) -> None:
        self._emit(logging.CRITICAL, "critical", event, args, values)

    def __getattr__(self, name: str) -> Any:
        # Anything else structlog's loggers offer, through the configuration in force.
        return getattr(self._structlog(), name)

    def _structlog(self) -> Any:
        return structlog.get_logger(self._stdlib.name).bind(**self._context)

    def _emit(
        self, level: int, method: str, event: str, args: tuple[Any, ...], values: dict[str, Any]
    ) -> None:
        if _application_configured():
            if getattr(structlog.get_config()["wrapper_class"], method, None) is _DROPPED:
                return
            getattr(self._structlog(), method)(event, *args, **values)
            return
        if not _environment_read:
            _read_environment()
        if not self._stdlib.isEnabledFor(level):
            return
        entry: dict[str, Any] = {**self._context, **values}
        entry["event"] = event % args if args else event
        entry["level"] = method
        self._stdlib.log(level, _RENDER(None, method, entry))
