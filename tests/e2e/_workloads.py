"""What the whole-cluster scenarios share: workloads as a user writes them, scripted for the
fake runtime through annotations, and a recorder of every Pod change seen through a watch."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import anyio
from anyio.abc import TaskGroup

from kube_actors import Cluster
from kube_actors.api import (
    Container,
    DaemonSet,
    DaemonSetSpec,
    Deployment,
    DeploymentSpec,
    DeploymentStrategy,
    ExecAction,
    IntOrString,
    Job,
    JobSpec,
    LabelSelector,
    ObjectMeta,
    Pod,
    PodSpec,
    PodTemplateSpec,
    Probe,
    RollingUpdateDeployment,
    StatefulSet,
    StatefulSetSpec,
    is_pod_active,
)

NS = "default"
FAKE = "fake.kube-actors.io/"


def template(
    app: str,
    image: str = "nginx:1.0",
    *,
    script: Mapping[str, str] | None = None,
    ready_probe: bool = False,
    restart_policy: str = "Always",
) -> PodTemplateSpec:
    """A one-container Pod template labelled ``app``; ``script`` drives the fake runtime
    (``{"ready-after": "5s"}``), ``ready_probe`` adds a readiness probe every second, which
    ``ready-after`` needs to hold readiness back."""
    annotations = {f"{FAKE}{key}": value for key, value in (script or {}).items()}
    probe = Probe(exec=ExecAction(command=["true"]), period_seconds=1) if ready_probe else None
    return PodTemplateSpec(
        metadata=ObjectMeta(labels={"app": app}, annotations=annotations),
        spec=PodSpec(
            containers=[Container(name="app", image=image, readiness_probe=probe)],
            restart_policy=restart_policy,
        ),
    )


def deployment(
    name: str = "web",
    replicas: int = 2,
    *,
    image: str = "nginx:1.0",
    strategy: str = "RollingUpdate",
    max_surge: IntOrString | None = None,
    max_unavailable: IntOrString | None = None,
    script: Mapping[str, str] | None = None,
    ready_probe: bool = False,
    namespace: str = NS,
    **spec: Any,
) -> Deployment:
    rolling = None
    if max_surge is not None or max_unavailable is not None:
        rolling = RollingUpdateDeployment(max_surge=max_surge, max_unavailable=max_unavailable)
    return Deployment(
        metadata=ObjectMeta(name=name, namespace=namespace),
        spec=DeploymentSpec(
            replicas=replicas,
            selector=LabelSelector(match_labels={"app": name}),
            template=template(name, image, script=script, ready_probe=ready_probe),
            strategy=DeploymentStrategy(type=strategy, rolling_update=rolling),
            **spec,
        ),
    )


def statefulset(
    name: str = "db",
    replicas: int = 3,
    *,
    image: str = "postgres:16",
    script: Mapping[str, str] | None = None,
    ready_probe: bool = False,
    namespace: str = NS,
    **spec: Any,
) -> StatefulSet:
    return StatefulSet(
        metadata=ObjectMeta(name=name, namespace=namespace),
        spec=StatefulSetSpec(
            replicas=replicas,
            selector=LabelSelector(match_labels={"app": name}),
            service_name=name,
            template=template(name, image, script=script, ready_probe=ready_probe),
            **spec,
        ),
    )


def daemonset(name: str = "agent", *, image: str = "fluentd:1", **spec: Any) -> DaemonSet:
    return DaemonSet(
        metadata=ObjectMeta(name=name, namespace=NS),
        spec=DaemonSetSpec(
            selector=LabelSelector(match_labels={"app": name}),
            template=template(name, image),
            **spec,
        ),
    )


def job(
    name: str = "batch",
    *,
    script: Mapping[str, str] | None = None,
    namespace: str = NS,
    **spec: Any,
) -> Job:
    return Job(
        metadata=ObjectMeta(name=name, namespace=namespace),
        spec=JobSpec(
            template=template(name, "busybox", script=script, restart_policy="Never"), **spec
        ),
    )


async def advance(cluster: Cluster, seconds: float) -> None:
    """Let ``seconds`` of simulated time pass, then let everything settle."""
    await anyio.sleep(seconds)
    await cluster.settle()


async def pods_of(cluster: Cluster, app: str, namespace: str = NS) -> list[Pod]:
    """The Pods labelled ``app``, by name."""
    pods = await cluster.client.list(Pod, namespace=namespace, label_selector={"app": app})
    return sorted(pods, key=lambda p: p.metadata.name)


def live(pods: list[Pod]) -> list[Pod]:
    return [p for p in pods if is_pod_active(p)]


class PodWatch:
    """Every state of a set of Pods, as a watch delivers it: after each event, ``check``
    sees all the Pods as they then stand (by name)."""

    def __init__(self, check: Callable[[Mapping[str, Pod]], None]) -> None:
        self.pods: dict[str, Pod] = {}
        self.check = check
        self.events = 0

    async def start(self, cluster: Cluster, group: TaskGroup, app: str | None = None) -> None:
        """Follow the Pods labelled ``app`` (every Pod of the namespace if None)."""
        selector = {"app": app} if app is not None else None
        page = await cluster.client.list_page(Pod, namespace=NS, label_selector=selector)
        self.pods = {p.metadata.name: p for p in page.items}
        stream = await cluster.client.watch(
            Pod, namespace=NS, label_selector=selector, resource_version=page.resource_version
        )
        group.start_soon(self._follow, stream)

    async def _follow(self, stream: Any) -> None:
        async for event in stream:
            if event.obj is None:
                continue
            name = event.obj.metadata.name
            if event.type == "DELETED":
                self.pods.pop(name, None)
            else:
                self.pods[name] = event.obj
            self.events += 1
            self.check(self.pods)
