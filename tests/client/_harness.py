"""What the client tests share: an actor system with an apiserver, a client, informers."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import attrs

from kube_actors.actors import ActorRef, ActorSystem
from kube_actors.api import Namespace, ObjectMeta
from kube_actors.client import Client, InformerFactory

from ._fake_apiserver import FakeApiServer


@attrs.frozen
class Harness:
    system: ActorSystem
    apiserver: ActorRef
    client: Client
    informers: InformerFactory


@asynccontextmanager
async def running_apiserver() -> AsyncIterator[Harness]:
    async with ActorSystem() as system:
        apiserver = await system.spawn(FakeApiServer, name="apiserver")
        client = Client(apiserver)
        yield Harness(system, apiserver, client, InformerFactory(client))


def namespace(name: str, **meta: Any) -> Namespace:
    return Namespace(metadata=ObjectMeta(name=name, **meta))


class Recorder:
    """An event handler that writes down what it was told, as short strings."""

    def __init__(self) -> None:
        self.events: list[str] = []
        self.updates: list[tuple[Any, Any]] = []

    def on_add(self, obj: Any) -> None:
        self.events.append(f"add {_key(obj)}")

    def on_update(self, old: Any, new: Any) -> None:
        self.events.append(f"update {_key(new)}")
        self.updates.append((old, new))

    def on_delete(self, obj: Any) -> None:
        self.events.append(f"delete {_key(obj)}")

    def take(self) -> list[str]:
        events, self.events = self.events, []
        return events


def _key(obj: Any) -> str:
    meta = obj.metadata
    return f"{meta.namespace}/{meta.name}" if meta.namespace else meta.name
