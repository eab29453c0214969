"""Whole clusters log a lot (tracebacks rendered by rich are most of a test's time): the
tests here keep log events as data instead of rendering them."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import structlog


@pytest.fixture(autouse=True)
def quiet_logs() -> Iterator[list[structlog.typing.EventDict]]:
    with structlog.testing.capture_logs() as events:
        yield events
