"""How the command line shows logs: one short line per event, stamped with the running clock.

The library never configures structlog (an embedding application owns its logging); the
command line is an application, so it does, here.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import sys
from collections.abc import MutableMapping
from typing import Any

import structlog

from .._log import level_from_environment


def _clock_time(_: Any, __: str, event: MutableMapping[str, Any]) -> MutableMapping[str, Any]:
    """Stamp the event with the running loop's clock (virtual seconds under virtual time)."""
    with contextlib.suppress(RuntimeError):  # no loop running: no clock to read
        event["t"] = round(asyncio.get_running_loop().time(), 3)
    return event


def _short_errors(_: Any, __: str, event: MutableMapping[str, Any]) -> MutableMapping[str, Any]:
    """Show an error as its repr: the demo's crashes are expected, their tracebacks noise."""
    error = event.pop("exc_info", None)
    if isinstance(error, BaseException):
        event["error"] = repr(error)
    return event


def configure_logging(*, verbose: bool = False) -> None:
    """Events to stderr (stdout is the command's output): every one with ``-v``, else the
    level ``KUBE_ACTORS_LOG`` names, else warnings and errors."""
    processors: list[Any] = [structlog.processors.add_log_level, _clock_time]
    if not verbose:
        processors.append(_short_errors)
    processors.append(structlog.dev.ConsoleRenderer(colors=False))
    level = logging.DEBUG if verbose else (level_from_environment() or logging.WARNING)
    structlog.configure(
        processors=processors,
        wrapper_class=structlog.make_filtering_bound_logger(level),
        logger_factory=structlog.PrintLoggerFactory(sys.stderr),
        cache_logger_on_first_use=False,
    )
