"""What every test of the command needs."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import structlog


@pytest.fixture(autouse=True)
def logging_put_back() -> Iterator[None]:
    """The command configures logging, as a program does: the tests after it must not see it."""
    saved = structlog.get_config()
    yield
    structlog.reset_defaults()
    structlog.configure(**saved)
