"""The examples' clusters log a lot (every controller's tracebacks, rendered by rich); the
tests keep the log events as data instead of rendering them, which is most of their time."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import structlog


@pytest.fixture(autouse=True)
def quiet_logs() -> Iterator[list[structlog.typing.EventDict]]:
    with structlog.testing.capture_logs() as events:
        yield events
