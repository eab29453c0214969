"""The root-ca-cert-publisher, run by the serving process: ``kube-root-ca.crt`` in every
namespace, holding the CA that signed the served certificate under ``ca.crt``.

Kubernetes' kube-controller-manager runs this controller with its ``--root-ca-file``; here the
CA is made when the API is served, so the server publishes it: in every namespace that exists
when serving starts and in each one created afterwards (a Namespace informer). A Pod's token
volume takes its ``ca.crt`` from this ConfigMap, and the official clients' in-cluster
configuration trusts the API through it.
"""

from __future__ import annotations

import contextlib
from typing import Final

import anyio
import anyio.abc
from anyio.streams.memory import MemoryObjectSendStream

from kube_actors.api import ConfigMap, Namespace, ObjectMeta
from kube_actors.apiserver import ROOT_CA_CONFIG_MAP
from kube_actors.client import Client, SharedInformer
from kube_actors.errors import AlreadyExists, Conflict, Forbidden, NotFound

from .._log import get_logger

__all__ = ["publish_root_ca"]

#: Reads and writes of one namespace's ConfigMap before giving up on it (each retry
#: follows another server's write).
_ATTEMPTS: Final = 8

_log = get_logger("kube_actors.server")


class _Queue:
    """The informer's events as namespace names to publish into."""

    def __init__(self, send: MemoryObjectSendStream[str]) -> None:
        self.send = send

    def on_add(self, obj: Namespace) -> None:
        with contextlib.suppress(anyio.ClosedResourceError, anyio.BrokenResourceError):
            self.send.send_nowait(obj.metadata.name)

    def on_update(self, old: Namespace, new: Namespace) -> None:
        pass

    def on_delete(self, obj: Namespace) -> None:
        pass


async def _publish(client: Client, namespace: str, ca_pem: str) -> None:
    """``kube-root-ca.crt`` in ``namespace`` holds ``ca_pem``. Every serving process
    publishes, several at once when control planes start together: a write another one
    made first (AlreadyExists, Conflict) is read again, as the controller's requeue would."""
    config_map = ConfigMap(
        metadata=ObjectMeta(name=ROOT_CA_CONFIG_MAP, namespace=namespace), data={"ca.crt": ca_pem}
    )
    for _ in range(_ATTEMPTS):
        try:
            current = await client.get(ConfigMap, ROOT_CA_CONFIG_MAP, namespace=namespace)
        except NotFound:
            try:
                await client.create(config_map)
            except AlreadyExists:
                continue  # another server made it meanwhile: read it again
            except (Forbidden, NotFound):
                pass  # the namespace is terminating or gone
            return
        if current.data.get("ca.crt") == ca_pem:
            return
        with contextlib.suppress(Conflict, NotFound):  # another write meanwhile: read again
            await client.update(
                ConfigMap(metadata=current.metadata, data={**current.data, "ca.crt": ca_pem})
            )
            return
    _log.warning("root_ca_not_published", namespace=namespace, attempts=_ATTEMPTS)


async def publish_root_ca(client: Client, ca_pem: str, group: anyio.abc.TaskGroup) -> None:
    """Publish ``ca_pem`` into every namespace now, and into new ones from ``group``."""
    send, receive = anyio.create_memory_object_stream[str](1 << 16)
    namespaces = SharedInformer(client, Namespace)
    namespaces.add_event_handler(_Queue(send))
    group.start_soon(namespaces.run)
    await namespaces.wait_synced()

    async def drain() -> None:
        async with send, receive:
            async for name in receive:
                await _publish(client, name, ca_pem)

    for namespace in list(namespaces.indexer.list()):
        await _publish(client, namespace.metadata.name, ca_pem)
    group.start_soon(drain)
