"""``ClusterDriver``: a Cluster on a virtual-time loop of its own, driven synchronously.

Hypothesis calls a state machine's rules as plain functions. Running a fresh loop per rule
(``kube_actors.actors.run``) would lose the cluster between rules, and a loop on another
thread would let virtual time race ahead (heartbeats) while hypothesis picks the next rule.
So each example owns one ``VirtualTimeEventLoop`` and runs it only inside ``run``: between
rules no simulated time passes, and a run is reproducible from its seed.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from typing import Any, TypeVar

from kube_actors.actors import VirtualTimeEventLoop
from kube_actors.cluster import Cluster

from ._host import ClusterHost, SetupCluster

__all__ = ["ClusterDriver"]

R = TypeVar("R")


class ClusterDriver:
    """Starts ``Cluster(**options)`` on a new virtual-time loop; ``run`` a coroutine on it."""

    def __init__(self, options: Mapping[str, Any], setup: SetupCluster | None = None) -> None:
        self.loop = VirtualTimeEventLoop()
        self._host = ClusterHost(options, setup)
        try:
            self.cluster: Cluster = self.loop.run_until_complete(self._host.start())
        except BaseException:
            self.loop.close()
            raise

    def run(self, call: Callable[[], Awaitable[R]]) -> R:
        """Run ``call()`` on the cluster's loop until it is done; its result or its error."""
        result: R = self.loop.run_until_complete(self._host.run(call()))
        return result

    def close(self) -> None:
        """Stop the cluster and close the loop (raises what the cluster died of, if so)."""
        if self.loop.is_closed():
            return
        try:
            self.loop.run_until_complete(self._host.stop())
        finally:
            self.loop.close()
