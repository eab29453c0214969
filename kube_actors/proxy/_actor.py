"""The kube-proxy actor: one per node, turning Services and EndpointSlices into the data plane.

As Kubernetes' kube-proxy, it watches every Service and EndpointSlice (its own informers, as a
node agent has its own watches), and after any change rebuilds its service table and hands it
to the host's ``DataPlane``. Changes are folded: a burst of events schedules one sync, sent
to itself as a timer message, so the mailbox never floods. The table is built only once both
informers have synced, so a proxy never tells the plane that every Service is gone because
it has not listed them yet.
"""

from __future__ import annotations

from typing import Any

import attrs

from kube_actors.actors import Actor
from kube_actors.api import SERVICE_NAME_LABEL, EndpointSlice, Service
from kube_actors.client import Client, EventHandlerFuncs, SharedInformer

from ._dataplane import DataPlane
from ._table import build_table

__all__ = ["KubeProxy"]


@attrs.frozen
class _Sync:
    """Rebuild the table and hand it to the data plane."""


def _version(informer: SharedInformer[Any]) -> int:
    try:
        return int(informer.resource_version or 0)
    except ValueError:
        return 0


class KubeProxy(Actor):
    """The kube-proxy of ``node``; its tables go to the shared ``plane``."""

    component = "kube-proxy"

    def __init__(self, client: Client, plane: DataPlane, *, node: str) -> None:
        self.client = client
        self.plane = plane
        self.node = node
        self.services: SharedInformer[Service] = SharedInformer(client, Service)
        self.slices: SharedInformer[EndpointSlice] = SharedInformer(client, EndpointSlice)
        self._pending = False
        self.syncs = 0

    async def on_start(self) -> None:
        for informer in (self.services, self.slices):
            informer.add_event_handler(
                EventHandlerFuncs(
                    on_add=self._changed,
                    on_update=lambda old, new: self._changed(new),
                    on_delete=self._changed,
                )
            )
            self.start_soon(informer.run, name=f"{self.name}:{informer.kind.__name__.lower()}")
        self.start_soon(self._first_sync, name=f"{self.name}:first-sync")

    async def _first_sync(self) -> None:
        await self.services.wait_synced()
        await self.slices.wait_synced()
        self._changed(None)

    def _changed(self, _: Any) -> None:
        if not self._pending:
            self._pending = True
            self.send_after(0, _Sync())

    async def receive(self, message: Any) -> Any:
        if isinstance(message, _Sync):
            self._pending = False
            await self._sync()
        return None

    async def _sync(self) -> None:
        if not (self.services.has_synced and self.slices.has_synced):
            return  # _first_sync asks again once both have listed
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
