"""Objects the apiserver tests create beyond the testing kit's builders: a Deployment exactly
as a user writes one (no strategy: the managed-fields tests count the fields its creator set),
and an admission lookup that fails a test which expects a plugin to read nothing."""

from __future__ import annotations

from typing import Any

import attrs

from kube_actors.api import (
    Container,
    Deployment,
    DeploymentSpec,
    LabelSelector,
    ObjectMeta,
    PodSpec,
    PodTemplateSpec,
)


def relabel(obj: Any, **labels: str) -> Any:
    return attrs.evolve(obj, metadata=attrs.evolve(obj.metadata, labels=labels))


def deployment(name: str = "web", *, replicas: int = 2, image: str = "nginx:1.27") -> Deployment:
    labels = {"app": name}
    return Deployment(
        metadata=ObjectMeta(name=name, namespace="default"),
        spec=DeploymentSpec(
            replicas=replicas,
            selector=LabelSelector(match_labels=labels),
            template=PodTemplateSpec(
                metadata=ObjectMeta(labels=labels),
                spec=PodSpec(containers=[Container(name="app", image=image)]),
            ),
        ),
    )


class NoLookups:
    """An admission lookup that fails the test if a plugin reads anything."""

    def get(self, kind: type[Any], namespace: str, name: str) -> Any:
        raise AssertionError("a plugin looked something up")

    def all(self, kind: type[Any]) -> Any:
        raise AssertionError("a plugin looked something up")

    def in_namespace(self, kind: type[Any], namespace: str) -> Any:
        raise AssertionError("a plugin looked something up")

    def derived(self, kind: type[Any], derive: Any) -> Any:
        raise AssertionError("a plugin looked something up")
