"""The metrics server: scrapes every kubelet's Summary and serves ``metrics.k8s.io``.

As metrics-server does, every ``metric_resolution`` seconds (15 by default) on the running
clock it asks each Node's kubelet for its Summary, all nodes at once, each within the
resolution; a node that does not answer is skipped (its metrics go stale, then missing).
Scraping runs in a task of its own and hands each batch to the actor as a message, so
reads are never held up by a slow node.

It answers the apiserver's ``Get`` and ``List`` of ``PodMetrics`` and ``NodeMetrics`` (the
apiserver forwards the group to it, as kube-aggregator does to its APIService) from the last
two samples (``_storage``): only for Pods and Nodes that exist, with their labels, so label
selectors work. Every other verb is refused with 405 MethodNotAllowed.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any, Final

import anyio
import attrs

from kube_actors.actors import Actor, monotonic
from kube_actors.api import (
    ContainerMetrics,
    Get,
    List,
    Node,
    NodeMetrics,
    ObjectList,
    ObjectMeta,
    Pod,
    PodMetrics,
    Summary,
    compile_selector,
    format_window,
    parse_field_selector,
)
from kube_actors.client import Client, SharedInformer
from kube_actors.errors import MethodNotSupported, NotFound

from ._storage import MetricsStorage, PodKey, Point, Usage

__all__ = ["DEFAULT_METRIC_RESOLUTION", "MetricsServer", "Scrape"]

#: metrics-server's ``--metric-resolution``.
DEFAULT_METRIC_RESOLUTION: Final = 15.0

#: How the server reaches a node's kubelet: its Summary, or an error.
Scrape = Callable[[str], Awaitable[Summary]]


@attrs.frozen
class _Scraped:
    nodes: dict[str, Point]
    pods: dict[PodKey, dict[str, Point]]


class MetricsServer(Actor):
    """metrics-server: ``scrape(node)`` reads a node's Summary (the cluster wires it to the
    node's kubelet); ``client`` lists the Nodes and Pods it reports on."""

    component = "metrics-server"

    def __init__(
        self,
        client: Client,
        scrape: Scrape,
        *,
        metric_resolution: float = DEFAULT_METRIC_RESOLUTION,
    ) -> None:
        if metric_resolution <= 0:
            raise ValueError(f"metric_resolution must be positive, not {metric_resolution}")
        self.client = client
        self.scrape = scrape
        self.metric_resolution = metric_resolution
        self.storage = MetricsStorage(metric_resolution)
        self.pods: SharedInformer[Pod] = SharedInformer(client, Pod)
        self.nodes: SharedInformer[Node] = SharedInformer(client, Node)

    async def on_start(self) -> None:
        self.start_soon(self.pods.run, name=f"{self.name}:pods")
        self.start_soon(self.nodes.run, name=f"{self.name}:nodes")
        self.start_soon(self._scrape_forever, name=f"{self.name}:scrape")

    async def receive(self, message: Any) -> Any:
        match message:
            case _Scraped(nodes=nodes, pods=pods):
                self.storage.store(nodes, pods)
                return None
            case Get(kind=kind, name=name, namespace=namespace):
                return self._get(kind, name, namespace)
            case List():
                return self._list(message)
        kind = getattr(message, "kind", None) or type(getattr(message, "obj", None))
        raise MethodNotSupported(
            "the server does not allow this method on the requested resource",
            kind=getattr(kind, "kind", ""),
        )

    # ---------------------------------------------------------------------- scraping

    async def _scrape_forever(self) -> None:
        await self.nodes.wait_synced()
        while True:
            began = monotonic()
            await self.ref.tell(await self._scrape_all())
            await anyio.sleep(max(0.0, began + self.metric_resolution - monotonic()))

    async def _scrape_all(self) -> _Scraped:
        summaries: dict[str, Summary] = {}

        async def one(node: str) -> None:
            with anyio.move_on_after(self.metric_resolution):
                try:
                    summaries[node] = await self.scrape(node)
                except Exception as error:  # one node's failure leaves out only that node
                    self.log.info("node_scrape_failed", node=node, error=repr(error))

        async with anyio.create_task_group() as group:
            for node in self.nodes.indexer.list():
                group.start_soon(one, node.metadata.name)
        nodes: dict[str, Point] = {}
        pods: dict[PodKey, dict[str, Point]] = {}
        for name, summary in summaries.items():
            stats = summary.node
            nodes[name] = Point(
                stats.start_time, stats.time, stats.usage_core_nano_seconds, stats.working_set_bytes
            )
            for pod in summary.pods:
                containers = pods.setdefault((pod.pod_ref.namespace, pod.pod_ref.name), {})
                for c in pod.containers:
                    containers[c.name] = Point(
                        c.start_time, c.time, c.usage_core_nano_seconds, c.working_set_bytes
                    )
        return _Scraped(nodes, pods)

    # ----------------------------------------------------------------------- serving

    def _get(self, kind: type[Any], name: str, namespace: str) -> Any:
        if kind is NodeMetrics:
            node = self.nodes.indexer.get(name)
            found = self._node_metrics(node) if node is not None else None
            if found is None:
                raise NotFound(
                    f'nodemetrics.metrics.k8s.io "{name}" not found',
                    kind="nodes",
                    name=name,
                    group="metrics.k8s.io",
                )
            return found
        if kind is PodMetrics:
            pod = self.pods.indexer.get(name, namespace)
            metrics = self._pod_metrics(pod) if pod is not None else None
            if metrics is None:
                raise NotFound(
                    f'podmetrics.metrics.k8s.io "{namespace}/{name}" not found',
                    kind="pods",
                    name=name,
                    group="metrics.k8s.io",
                )
            return metrics
        raise MethodNotSupported(f"the metrics server does not serve {kind.__name__}")

    def _list(self, message: List) -> ObjectList:
        labels = compile_selector(message.label_selector) if message.label_selector else None
        fields = parse_field_selector(message.field_selector) if message.field_selector else None
        items: list[Any] = []
        if message.kind is NodeMetrics:
            items = [self._node_metrics(n) for n in self.nodes.indexer.list()]
        elif message.kind is PodMetrics:
            pods = self.pods.indexer.list(message.namespace)
            items = [self._pod_metrics(p) for p in pods]
        else:
            raise MethodNotSupported(f"the metrics server does not serve {message.kind.__name__}")
        kept = tuple(
            item
            for item in items
            if item is not None
            and (labels is None or labels.matches(item.metadata.labels))
            and (fields is None or fields.matches(item))
        )
        return ObjectList(items=tuple(sorted(kept, key=_key)), resource_version="")

    def _node_metrics(self, node: Node) -> NodeMetrics | None:
        usage = self.storage.node(node.metadata.name)
        if usage is None:
            return None
        return NodeMetrics(
            metadata=_meta(node.metadata, usage),
            timestamp=usage.timestamp,
            window=format_window(usage.window),
            usage=usage.resources,
        )

    def _pod_metrics(self, pod: Pod) -> PodMetrics | None:
        found = self.storage.pod(pod.metadata.namespace, pod.metadata.name)
        if found is None:
            return None
        earliest, containers = found
        return PodMetrics(
            metadata=_meta(pod.metadata, earliest),
            timestamp=earliest.timestamp,
            window=format_window(earliest.window),
            containers=tuple(
                ContainerMetrics(name=name, usage=usage.resources)
                for name, usage in sorted(containers.items())
            ),
        )


def _meta(of: ObjectMeta, usage: Usage) -> ObjectMeta:
    # metrics-server stamps each answer as created now; the measurement's time will do.
    return ObjectMeta(
        name=of.name,
        namespace=of.namespace,
        labels=of.labels,
        creation_timestamp=usage.timestamp.replace(microsecond=0),
    )


def _key(item: Any) -> tuple[str, str]:
    return (item.metadata.namespace, item.metadata.name)
