"""``NodeAgent``: one node's kubelet and kube-proxy, joined to a cluster over its HTTP API.

This is what ``kube-actors agent`` runs on another host (or in another process): the same
``Kubelet`` and ``KubeProxy`` actors the in-process ``Cluster`` spawns for its nodes, given a
``Client`` over HTTP (``Client.from_config``) instead of the in-process one. The kubelet
registers its Node, renews its Lease in ``kube-node-lease``, runs the Pods bound to it in its
own container runtime and reports their status; kube-proxy programs this host's data plane
from the Services and EndpointSlices it watches; Events go through an ``EventSink`` of the
agent's own. Everything runs on real time (HTTP does), in an ``ActorSystem`` of its own.

An async context manager: entering it starts the runtime, the data plane and the actors;
leaving it stops the kubelet first (its pod workers stop the containers), then the rest, and
closes the HTTP connections.
"""

from __future__ import annotations

import contextlib
from types import TracebackType
from typing import Any

import anyio
import attrs

from ..actors import ActorRef, ActorSystem
from ..client import Client, ClientConfig, EventRecorder, EventSink
from ..kubelet import Kubelet, KubeletTimings, NodeConfig
from ..proxy import DataPlane, KubeProxy
from ..runtime import process_slot
from ._health import COMPONENT_SUPERVISION
from ._nodes import RuntimeChoice, make_runtime, pod_cidr

__all__ = ["NodeAgent", "agent_pod_cidr"]


def agent_pod_cidr(name: str) -> str:
    """A pod CIDR of its own for an agent's node: its process slot's first /24, so agents
    and ``up`` on one machine never hand out the same pod IP; where every slot is taken,
    one picked by the node's name."""
    slot = process_slot()
    if slot:
        return pod_cidr(0, slot)
    return pod_cidr(64 + sum(name.encode()) % 1024)


class NodeAgent:
    """Runs ``node``'s kubelet and kube-proxy against the API server ``config`` names."""

    def __init__(
        self,
        config: ClientConfig,
        node: NodeConfig,
        *,
        runtime: RuntimeChoice = "subprocess",
        host_ip: str = "127.0.0.1",
        timings: KubeletTimings | None = None,
    ) -> None:
        if not node.pod_cidr:
            node = attrs.evolve(node, pod_cidr=agent_pod_cidr(node.name))
        self.node = node
        self.host_ip = host_ip
        self.timings = timings
        self.client = Client.from_config(config, field_manager="kubelet")
        self.runtime = make_runtime(runtime, node)
        self.data_plane = DataPlane(bind=self.runtime.serves_sockets, node_port_address=host_ip)
        self.system = ActorSystem(supervision=COMPONENT_SUPERVISION)
        self.kubelet: ActorRef | None = None
        self._stack = contextlib.AsyncExitStack()

    async def __aenter__(self) -> NodeAgent:
        await self._stack.__aenter__()
        try:
            self._stack.push_async_callback(self.client.aclose)
            await self._stack.enter_async_context(self.runtime)
            await self._stack.enter_async_context(self.data_plane)
            await self._stack.enter_async_context(self.system)
            self._stack.push_async_callback(self._stop_kubelet)
            await self._start_actors()
        except BaseException as error:
            await self._stack.__aexit__(type(error), error, error.__traceback__)
            raise
        return self

    async def _start_actors(self) -> None:
        client, node = self.client, self.node
        sink = await self.system.spawn(lambda: EventSink(client), name="event-broadcaster")
        recorder = EventRecorder(sink, "kubelet", node.name)
        self.kubelet = await self.system.spawn(
            lambda: Kubelet(
                client,
                self.runtime,
                node,
                host_ip=self.host_ip,
                timings=self.timings,
                recorder=recorder,
            ),
            name=f"kubelet/{node.name}",
        )
        plane = self.data_plane
        proxy_recorder = EventRecorder(sink, "kube-proxy", node.name)
        await self.system.spawn(
            lambda: KubeProxy(client, plane, node=node.name, recorder=proxy_recorder),
            name=f"kube-proxy/{node.name}",
        )

    async def _stop_kubelet(self) -> None:
        # Before the runtime closes: the pod workers stop their containers themselves.
        with anyio.CancelScope(shield=True):
            if self.kubelet is not None and self.kubelet.alive:
                await self.system.stop(self.kubelet)

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> Any:
        return await self._stack.__aexit__(exc_type, exc, tb)
