"""Test configuration: virtual time by default, one hypothesis profile."""

from __future__ import annotations

import asyncio
import os
from collections.abc import Callable, Iterator, Mapping

import pytest
from hypothesis import HealthCheck, settings

from kube_actors.actors import VirtualTimeEventLoop
from kube_actors.testing import HostNetwork, host_network_unavailable

settings.register_profile(
    "kube_actors",
    max_examples=50,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
    print_blob=True,
)
# CI runs the same examples every time (a fixed seed per test, no example database), so a
# green run here is a green run there; locally, examples vary and failures are remembered.
settings.register_profile(
    "kube_actors_ci", parent=settings.get_profile("kube_actors"), derandomize=True, database=None
)
settings.load_profile("kube_actors_ci" if os.environ.get("CI") else "kube_actors")


def pytest_asyncio_loop_factories(
    config: pytest.Config, item: pytest.Item
) -> Mapping[str, Callable[[], asyncio.AbstractEventLoop]]:
    """Async tests run on virtual time unless marked ``real_time``."""
    if item.get_closest_marker("real_time") is not None:
        return {"real": asyncio.new_event_loop}
    return {"virtual": VirtualTimeEventLoop}


@pytest.fixture
def host_networks_allowed() -> None:
    """Skip where the machine does not allow network namespaces, except under CI, which
    runs as root with iproute2 installed and must run these tests."""
    reason = host_network_unavailable()
    if reason is not None:
        if os.environ.get("CI"):
            pytest.fail(f"network namespaces are needed under CI: {reason}")
        pytest.skip(reason)


@pytest.fixture
def host_network(host_networks_allowed: None) -> Iterator[HostNetwork]:
    """Hosts as network namespaces (``HostNetwork``), removed after the test."""
    with HostNetwork() as network:
        yield network
