"""Workloads as a test writes them: one container labelled ``app: <name>``, selected by it.

The fake runtime reads its script from annotations (``fake.kube-actors.io/exit-after``...);
``script`` passes them through, so a test can make containers crash, finish or turn ready
late without a real process.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from kube_actors.api import (
    Container,
    DaemonSet,
    DaemonSetSpec,
    Deployment,
    DeploymentSpec,
    DeploymentStrategy,
    IntOrString,
    Job,
    JobSpec,
    LabelSelector,
    ObjectMeta,
    OwnerReference,
    Pod,
    PodSpec,
    PodTemplateSpec,
    ReplicaSet,
    ReplicaSetSpec,
    RollingUpdateDeployment,
    StatefulSet,
    StatefulSetSpec,
)
from kube_actors.runtime import ANNOTATION_PREFIX

__all__ = [
    "daemon_set",
    "deployment",
    "job",
    "pod",
    "pod_template",
    "replica_set",
    "stateful_set",
]


def pod_template(
    app: str,
    image: str = "nginx:1",
    *,
    restart_policy: str = "Always",
    script: Mapping[str, str] | None = None,
) -> PodTemplateSpec:
    """One container named ``app`` running ``image``, labelled ``app: <app>``."""
    annotations = {ANNOTATION_PREFIX + key: value for key, value in (script or {}).items()}
    return PodTemplateSpec(
        metadata=ObjectMeta(labels={"app": app}, annotations=annotations),
        spec=PodSpec(
            containers=[Container(name="app", image=image)], restart_policy=restart_policy
        ),
    )


def pod(
    name: str,
    *,
    namespace: str = "default",
    labels: Mapping[str, str] | None = None,
    image: str = "nginx:1",
    node_name: str = "",
    owner_references: tuple[OwnerReference, ...] | list[OwnerReference] = (),
    finalizers: tuple[str, ...] | list[str] = (),
) -> Pod:
    """A bare Pod of one container named ``app`` running ``image`` (no controller makes it:
    set ``owner_references`` to give it one, ``node_name`` to place it yourself)."""
    return Pod(
        metadata=ObjectMeta(
            name=name,
            namespace=namespace,
            labels=labels or {},
            owner_references=tuple(owner_references),
            finalizers=tuple(finalizers),
        ),
        spec=PodSpec(node_name=node_name, containers=[Container(name="app", image=image)]),
    )


def _selector(app: str) -> LabelSelector:
    return LabelSelector(match_labels={"app": app})


def deployment(
    name: str,
    replicas: int = 1,
    *,
    image: str = "nginx:1",
    namespace: str = "default",
    max_surge: IntOrString = "25%",
    max_unavailable: IntOrString = "25%",
    **spec: Any,
) -> Deployment:
    """A RollingUpdate Deployment (Kubernetes' default surge and unavailability)."""
    strategy = DeploymentStrategy(
        type="RollingUpdate",
        rolling_update=RollingUpdateDeployment(
            max_surge=max_surge, max_unavailable=max_unavailable
        ),
    )
    return Deployment(
        metadata=ObjectMeta(name=name, namespace=namespace),
        spec=DeploymentSpec(
            replicas=replicas,
            selector=_selector(name),
            template=pod_template(name, image),
            strategy=strategy,
            **spec,
        ),
    )


def replica_set(
    name: str, replicas: int = 1, *, image: str = "nginx:1", namespace: str = "default"
) -> ReplicaSet:
    return ReplicaSet(
        metadata=ObjectMeta(name=name, namespace=namespace),
        spec=ReplicaSetSpec(
            replicas=replicas, selector=_selector(name), template=pod_template(name, image)
        ),
    )


def stateful_set(
    name: str, replicas: int = 1, *, image: str = "nginx:1", namespace: str = "default"
) -> StatefulSet:
    return StatefulSet(
        metadata=ObjectMeta(name=name, namespace=namespace),
        spec=StatefulSetSpec(
            replicas=replicas,
            selector=_selector(name),
            service_name=name,
            template=pod_template(name, image),
        ),
    )


def daemon_set(name: str, *, image: str = "nginx:1", namespace: str = "default") -> DaemonSet:
    return DaemonSet(
        metadata=ObjectMeta(name=name, namespace=namespace),
        spec=DaemonSetSpec(selector=_selector(name), template=pod_template(name, image)),
    )


def job(
    name: str,
    *,
    completions: int = 1,
    parallelism: int = 1,
    image: str = "busybox:1",
    namespace: str = "default",
    script: Mapping[str, str] | None = None,
) -> Job:
    """A Job whose containers finish after a simulated second unless ``script`` says else."""
    template = pod_template(
        name, image, restart_policy="Never", script=script or {"exit-after": "1s"}
    )
    return Job(
        metadata=ObjectMeta(name=name, namespace=namespace),
        spec=JobSpec(completions=completions, parallelism=parallelism, template=template),
    )
