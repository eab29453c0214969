"""``InformerFactory``: one shared informer per kind, each run by its own small actor.

N controllers that watch Pods ask the factory for the Pod informer and get the same one: one
list, one watch, one cache, N handlers (controller-runtime's manager cache, client-go's
``SharedInformerFactory``). ``start`` spawns, for each informer not yet running, an actor whose
only job is to run the informer's loop as its background task. So an informer is supervised
like any actor (a crash restarts it, and the restart re-lists into the same cache), it stops
with the system, and it belongs to no controller: one controller crashing does not take the
others' events with it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, Protocol, TypeVar

import anyio

from kube_actors.actors import Actor, ActorRef, Supervision

from ._client import Client
from ._indexer import IndexFunc
from ._informer import SharedInformer, _kind_name

__all__ = ["InformerFactory", "Spawner"]

T = TypeVar("T")


class Spawner(Protocol):
    """Where informer actors are spawned: an ``ActorSystem``, or an actor (as children)."""

    async def spawn(
        self,
        factory: Callable[[], Actor],
        *,
        name: str | None = None,
        mailbox_capacity: int | None = None,
        supervision: Supervision | None = None,
    ) -> ActorRef: ...


class InformerActor(Actor):
    """Runs one informer's list-and-watch loop as its background task."""

    component = "informer"

    def __init__(self, informer: SharedInformer[Any]) -> None:
        self.informer = informer

    async def on_start(self) -> None:
        self.start_soon(self.informer.run, name=f"{self.name}:run")


def _runner(informer: SharedInformer[Any]) -> Callable[[], Actor]:
    return lambda: InformerActor(informer)


class InformerFactory:
    """Shared informers by kind, for every component of one process to use."""

    def __init__(self, client: Client, *, namespace: str = "", name: str = "informers") -> None:
        self.client = client
        #: Restrict every informer to one namespace ("" is all of them).
        self.namespace = namespace
        #: Prefix of the informer actors' names: ``informers/pods``.
        self.name = name
        self._informers: dict[type[Any], SharedInformer[Any]] = {}
        self._actors: dict[type[Any], ActorRef] = {}
        self._starting: set[type[Any]] = set()

    def informer(
        self, kind: type[T], *, indexers: Mapping[str, IndexFunc] | None = None
    ) -> SharedInformer[T]:
        """The shared informer of ``kind``, created on first use; ``indexers`` are added to
        its cache (an index already there under the same name is kept)."""
        informer: SharedInformer[T] | None = self._informers.get(kind)
        if informer is None:
            informer = SharedInformer(self.client, kind, namespace=self.namespace)
            self._informers[kind] = informer
        for index, func in (indexers or {}).items():
            if not informer.indexer.has_index(index):
                informer.indexer.add_index(index, func)
        return informer

    def informers(self) -> list[SharedInformer[Any]]:
        return list(self._informers.values())

    async def start(self, spawner: Spawner) -> None:
        """Spawn an actor for each informer that has none running yet."""
        for kind, informer in list(self._informers.items()):
            actor = self._actors.get(kind)
            if kind in self._starting or (actor is not None and actor.alive):
                continue
            self._starting.add(kind)  # two controllers starting at once spawn it once
            try:
                self._actors[kind] = await spawner.spawn(
                    _runner(informer), name=f"{self.name}/{_kind_name(kind)}"
                )
            finally:
                self._starting.discard(kind)

    async def wait_synced(self) -> None:
        """Wait until every informer created so far has synced."""
        async with anyio.create_task_group() as tg:
            for informer in self.informers():
                tg.start_soon(informer.wait_synced)

    async def forget(self, kind: type[Any]) -> None:
        """Stop ``kind``'s informer and drop it (a deleted CRD's kind: nothing serves it)."""
        self._informers.pop(kind, None)
        actor = self._actors.pop(kind, None)
        if actor is not None:
            await actor.stop()

    async def stop(self) -> None:
        """Stop every informer actor (the caches stay as they were)."""
        for actor in list(self._actors.values()):
            await actor.stop()
        self._actors.clear()
