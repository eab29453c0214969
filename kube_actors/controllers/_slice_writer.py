"""Writing a set of EndpointSlices for one owner: shared by the two slice controllers.

The EndpointSlice controller writes slices for a Service from its Pods; the mirroring
controller writes them for a Service without a selector from its hand-written Endpoints. Both
then do the same: pack each port set's endpoints with little churn (``_slice_packing``),
create, update and delete slices labelled with their writer, and remember what they wrote so
that a cache behind those writes is noticed before it makes them write twice (Kubernetes'
endpointSliceTracker).
"""

from __future__ import annotations

import contextlib
from collections.abc import Mapping
from typing import Final

import attrs

from ..api import (
    MANAGED_BY_LABEL,
    SERVICE_NAME_LABEL,
    Endpoint,
    EndpointSlice,
    EndpointSlicePort,
    KubeObject,
    ObjectMeta,
    owner_reference,
)
from ..client import OWNER_UID_INDEX, Client, SharedInformer
from ..errors import NotFound
from ..reconcile import Request, WorkQueue, reconcile_log
from ._slice_packing import plan_slices

__all__ = ["MAX_ENDPOINTS_PER_SLICE", "PortSet", "SliceEvents", "SliceWriter", "port_set"]

#: kube-controller-manager's ``--max-endpoints-per-slice``.
MAX_ENDPOINTS_PER_SLICE: Final = 100

PortSet = tuple[EndpointSlicePort, ...]


def port_set(ports: tuple[EndpointSlicePort, ...]) -> PortSet:
    """``ports`` in a canonical order, so equal sets compare equal."""
    return tuple(sorted(ports, key=lambda p: (p.name or "", p.port or 0, p.protocol or "")))


class SliceWriter:
    """Writes the slices ``managed_by`` one writer, owned (as controller) by one object each."""

    def __init__(
        self,
        *,
        client: Client,
        slices: SharedInformer[EndpointSlice],
        managed_by: str,
        max_per_slice: int = MAX_ENDPOINTS_PER_SLICE,
    ) -> None:
        self.client = client
        self.slices = slices
        self.managed_by = managed_by
        self.max_per_slice = max_per_slice
        #: Owner uid -> slice name -> the resourceVersion written (None: deleted).
        self._written: dict[str, dict[str, int | None]] = {}

    def owned(self, owner: KubeObject) -> list[EndpointSlice]:
        """The slices of ``owner`` this writer manages, by name."""
        found = self.slices.indexer.by_index(OWNER_UID_INDEX, owner.metadata.uid)
        mine = [s for s in found if s.metadata.labels.get(MANAGED_BY_LABEL) == self.managed_by]
        return sorted(mine, key=lambda s: s.metadata.name)

    def cache_current(self, owner: KubeObject) -> bool:
        """Whether the slice cache has seen every write made for ``owner``'s slices."""
        written = self._written.get(owner.metadata.uid)
        if not written:
            return True
        for name, version in list(written.items()):
            cached = self.slices.indexer.get(name, owner.metadata.namespace)
            if version is None:
                seen = cached is None
            else:
                seen = cached is not None and int(cached.metadata.resource_version) >= version
            if not seen:
                return False
            del written[name]
        return True

    def forget_except(self, live_uids: set[str]) -> None:
        """Drop what was remembered for owners that are gone."""
        self._written = {u: w for u, w in self._written.items() if u in live_uids}

    async def sync(
        self,
        owner: KubeObject,
        desired: Mapping[PortSet, Mapping[str, Endpoint]],
        labels: Mapping[str, str],
        *,
        placeholder: bool,
    ) -> None:
        """Make ``owner``'s slices hold ``desired`` (port set -> address -> endpoint).

        With nothing desired and ``placeholder``, one slice without endpoints or ports stays.
        """
        existing = self.owned(owner)
        if not desired and placeholder:
            await self._placeholder(owner, existing, labels)
            return
        by_ports: dict[PortSet, list[EndpointSlice]] = {}
        for slice_ in existing:
            by_ports.setdefault(port_set(slice_.ports), []).append(slice_)
        for ports in sorted(desired, key=lambda ps: [(p.name or "", p.port or 0) for p in ps]):
            mine = by_ports.pop(ports, [])
            plan = plan_slices(mine, desired[ports], max_per_slice=self.max_per_slice)
            for slice_ in mine:
                name = slice_.metadata.name
                if name in plan.update:
                    await self._update(owner, slice_, plan.update[name], labels)
                elif name not in plan.delete and slice_.metadata.labels != labels:
                    await self._update(owner, slice_, slice_.endpoints, labels)
            for held in plan.create:
                await self._create(owner, ports, held, labels)
            for slice_ in mine:
                if slice_.metadata.name in plan.delete:
                    await self._delete(owner, slice_)
        for leftovers in by_ports.values():  # port sets nothing gives any longer
            for slice_ in leftovers:
                await self._delete(owner, slice_)

    async def _placeholder(
        self, owner: KubeObject, existing: list[EndpointSlice], labels: Mapping[str, str]
    ) -> None:
        keep = next((s for s in existing if not s.endpoints and not s.ports), None)
        for slice_ in existing:
            if slice_ is not keep:
                await self._delete(owner, slice_)
        if keep is None:
            await self._create(owner, (), (), labels)
        elif keep.metadata.labels != labels:
            await self._update(owner, keep, (), labels)

    def _remember(self, owner: KubeObject, name: str, version: int | None) -> None:
        self._written.setdefault(owner.metadata.uid, {})[name] = version

    async def _create(
        self,
        owner: KubeObject,
        ports: PortSet,
        endpoints: tuple[Endpoint, ...],
        labels: Mapping[str, str],
    ) -> None:
        meta = owner.metadata
        fresh = EndpointSlice(
            metadata=ObjectMeta(
                # generateName leaves room for its five random characters within 63.
                generate_name=f"{meta.name[:58]}-",
                namespace=meta.namespace,
                labels=labels,
                owner_references=(owner_reference(owner),),
            ),
            address_type="IPv4",
            endpoints=endpoints,
            ports=ports,
        )
        created = await self.client.create(fresh)
        self._remember(owner, created.metadata.name, int(created.metadata.resource_version))
        reconcile_log().debug("endpointslice_created", endpoints=len(endpoints))

    async def _update(
        self,
        owner: KubeObject,
        current: EndpointSlice,
        endpoints: tuple[Endpoint, ...],
        labels: Mapping[str, str],
    ) -> None:
        changed = attrs.evolve(
            current, metadata=attrs.evolve(current.metadata, labels=labels), endpoints=endpoints
        )
        written = await self.client.update(changed)
        self._remember(owner, written.metadata.name, int(written.metadata.resource_version))

    async def _delete(self, owner: KubeObject, slice_: EndpointSlice) -> None:
        name = slice_.metadata.name
        with contextlib.suppress(NotFound):  # already gone: what was wanted
            await self.client.delete(EndpointSlice, name, namespace=slice_.metadata.namespace)
        self._remember(owner, name, None)


class SliceEvents:
    """A slice informer's handler: a change to a slice ``managed_by`` one writer brings back
    the object it was written for, named by ``kubernetes.io/service-name`` (its cache may have
    caught up, or someone else changed or deleted what the writer owns)."""

    __slots__ = ("managed_by",)

    def __init__(self, managed_by: str) -> None:
        self.managed_by = managed_by

    def _queue(self, slice_: EndpointSlice, queue: WorkQueue[Request]) -> None:
        labels = slice_.metadata.labels
        name = labels.get(SERVICE_NAME_LABEL)
        if name and labels.get(MANAGED_BY_LABEL) == self.managed_by:
            queue.add(Request(slice_.metadata.namespace, name))

    def on_add(self, obj: EndpointSlice, queue: WorkQueue[Request]) -> None:
        self._queue(obj, queue)

    def on_update(self, old: EndpointSlice, new: EndpointSlice, queue: WorkQueue[Request]) -> None:
        self._queue(new, queue)

    def on_delete(self, obj: EndpointSlice, queue: WorkQueue[Request]) -> None:
        self._queue(obj, queue)
