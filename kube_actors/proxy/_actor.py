"""The kube-proxy actor: one per host data plane, turning Services and EndpointSlices into it.

Kubernetes runs one on every node, since every node has a network of its own; here a host's
nodes share its one network and one ``DataPlane``, so one kube-proxy programs it: one per
``NodeAgent`` (a node on a host of its own), one for all the nodes of an in-process
``Cluster``. As Kubernetes' kube-proxy, it watches every Service and EndpointSlice (its own
informers), and after any change rebuilds its service table and hands it to the host's
``DataPlane``. Changes are folded: a burst of events schedules one sync, sent to itself as a
timer message, so the mailbox never floods. The table is built only once both informers have
synced, so a proxy never tells the plane that every Service is gone because it has not
listed them yet.
"""

from __future__ import annotations

from typing import Any

from kube_actors.api import SERVICE_NAME_LABEL, EndpointSlice, Service
from kube_actors.client import Client, EventRecorder, SharedInformer

from ._dataplane import LISTEN_ADVICE, DataPlane
from ._folded import FoldedRebuild
from ._table import build_table

__all__ = ["KubeProxy"]


def _version(informer: SharedInformer[Any]) -> int:
    try:
        return int(informer.resource_version or 0)
    except ValueError:
        return 0


class KubeProxy(FoldedRebuild):
    """The kube-proxy of a host (``node``, if it is one node's); its tables go to ``plane``. With a
    ``recorder``, an address the plane cannot listen on becomes a Warning Event
    (``FailedToListen``) on its Service."""

    component = "kube-proxy"

    def __init__(
        self,
        client: Client,
        plane: DataPlane,
        *,
        node: str = "",
        recorder: EventRecorder | None = None,
    ) -> None:
        self.client = client
        self.recorder = recorder
        self.plane = plane
        self.node = node
        self.services: SharedInformer[Service] = SharedInformer(client, Service)
        self.slices: SharedInformer[EndpointSlice] = SharedInformer(client, EndpointSlice)
        self.informers = self.triggers = (self.services, self.slices)
        self.syncs = 0

    async def rebuild(self) -> None:
        slices: dict[tuple[str, str], list[EndpointSlice]] = {}
        for slice_ in self.slices.indexer:
            service = slice_.metadata.labels.get(SERVICE_NAME_LABEL)
            if service:
                slices.setdefault((slice_.metadata.namespace, service), []).append(slice_)
        version = (_version(self.services), _version(self.slices))
        table = build_table(self.services.indexer, slices, version)
        if await self.plane.apply(table):
            self.syncs += 1
            self.log.debug("service_table_applied", entries=len(table.entries), node=self.node)
        self._report_failures()

    def _report_failures(self) -> None:
        failures = self.plane.take_failures()
        if self.recorder is None:
            return
        for failure in failures:
            namespace, name, _ = failure.service
            service = self.services.indexer.get(name, namespace)
            if service is not None:
                message = (
                    f"kube-proxy cannot listen on {failure.address} ({failure.error}): "
                    f"{LISTEN_ADVICE}"
                )
                self.recorder.event(service, "Warning", "FailedToListen", message)
