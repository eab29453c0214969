"""Whole-cluster scenarios log warnings and errors only, each on one line.

A cluster logs every bind and every start at debug level, and a reconcile that meets a
Conflict logs its traceback; rendered by structlog's defaults, that costs more than the
scenario itself. The configuration is put back after each test.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import structlog

from kube_actors.cli._logging import configure_logging


@pytest.fixture(autouse=True)
def quiet_logs() -> Iterator[None]:
    saved = structlog.get_config()
    configure_logging()
    yield
    structlog.configure(**saved)
