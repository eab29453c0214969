"""``CachedReader``: a ``Reader`` served from the shared informers' caches.

controller-runtime's default for reconcilers: reads come from the local cache, with no
message to the apiserver, and writes go through a ``Client``. The first read of a kind
starts its informer (through the factory, on the given spawner) and waits until it synced,
so a read never answers from a cache that has not been filled yet.

Reads are only as fresh as the cache: right after a write, a read may still see the object as
it was before (as in Kubernetes). Reconcilers are level-based and cope: the write's own
watch event triggers the next reconcile.
"""

from __future__ import annotations

import builtins
from typing import TypeVar

from kube_actors.api import kind_info, parse_field_selector
from kube_actors.errors import NotFound

from ._client import LabelSelectorArg
from ._factory import InformerFactory, Spawner
from ._informer import SharedInformer

__all__ = ["CachedReader"]

T = TypeVar("T")


class CachedReader:
    """Reads through ``informers``, starting each kind's informer on ``spawner`` when needed."""

    __slots__ = ("informers", "spawner")

    def __init__(self, informers: InformerFactory, spawner: Spawner) -> None:
        self.informers = informers
        self.spawner = spawner

    async def _synced(self, kind: type[T]) -> SharedInformer[T]:
        informer = self.informers.informer(kind)
        if not informer.has_synced:
            await self.informers.start(self.spawner)
            await informer.wait_synced()
        return informer

    async def get(self, kind: type[T], name: str, *, namespace: str = "") -> T:
        """The cached object, or ``NotFound``."""
        informer = await self._synced(kind)
        obj = informer.indexer.get(name, namespace)
        if obj is None:
            info = kind_info(kind)
            raise NotFound.for_object(info.plural, name, kind=info.kind, group=info.group)
        return obj

    async def list(
        self,
        kind: type[T],
        *,
        namespace: str = "",
        label_selector: LabelSelectorArg = None,
        field_selector: str | None = None,
    ) -> builtins.list[T]:
        """The cached objects matching, in the cache's (insertion) order."""
        informer = await self._synced(kind)
        objects = informer.indexer.list(namespace, label_selector)
        if field_selector:
            fields = parse_field_selector(field_selector)
            objects = [obj for obj in objects if fields.matches(obj)]
        return objects
