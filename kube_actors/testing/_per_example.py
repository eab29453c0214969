"""``run_with_cluster``: a fresh cluster per call, for hypothesis' ``@given`` tests.

The ``cluster`` fixture is function-scoped: pytest sets it up once per test, and hypothesis
runs many examples in that one test, so they would all share one cluster (hypothesis' health
check says as much). What one example left behind (objects, controllers, the clock) is then
seen by the next, and a failure cannot be replayed alone. A cluster starts in tens of
milliseconds, so the right pattern is a cluster per example::

    @given(replicas=st.integers(0, 5))
    def test_scale(replicas: int) -> None:
        async def check(cluster: Cluster) -> None:
            ...
        run_with_cluster(check, nodes=2)

The test is a plain ``def`` (hypothesis drives it); ``run_with_cluster`` runs the check on
an event loop of its own, on virtual time.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from kube_actors.actors import run
from kube_actors.cluster import Cluster
from kube_actors.errors import KubeActorsError

__all__ = ["run_with_cluster"]

R = TypeVar("R")


def run_with_cluster(check: Callable[[Cluster], Awaitable[R]], /, **options: Any) -> R:
    """Start ``Cluster(**options)`` (defaults as the ``cluster`` fixture's: 3 nodes, the
    fake runtime, virtual time), return ``await check(cluster)``, and stop the cluster;
    what ``check`` raises leaves as itself."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        pass
    else:
        raise KubeActorsError(
            "run_with_cluster runs a loop of its own and cannot run inside one: call it from "
            "a plain 'def' test (as a @given test is), or use 'async with Cluster(...)' here"
        )
    options = {"nodes": 3, "clock": "virtual", **options}

    async def main() -> R:
        async with Cluster(**options) as cluster:
            return await check(cluster)

    return run(main, clock=options["clock"])
