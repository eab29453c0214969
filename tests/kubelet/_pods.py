"""Pods the kubelet tests run, scripted for the fake runtime through annotations."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from kube_actors.api import Container, ObjectMeta, Pod, PodSpec, Probe

FAKE = "fake.kube-actors.io/"


def pod(
    name: str = "web",
    *,
    node: str = "node-1",
    script: Mapping[str, str] | None = None,
    restart_policy: str = "Always",
    containers: Iterable[Container] | None = None,
    init_containers: Iterable[Container] = (),
    grace: int | None = None,
    **spec: Any,
) -> Pod:
    annotations = {f"{FAKE}{key}": value for key, value in (script or {}).items()}
    return Pod(
        metadata=ObjectMeta(name=name, namespace="default", annotations=annotations),
        spec=PodSpec(
            node_name=node,
            restart_policy=restart_policy,
            containers=list(containers or [Container(name="app", image="nginx")]),
            init_containers=list(init_containers),
            termination_grace_period_seconds=grace,
            **spec,
        ),
    )


def probe(period: int = 10, failures: int = 3, initial_delay: int = 0) -> Probe:
    from kube_actors.api import ExecAction

    return Probe(
        exec=ExecAction(command=["true"]),
        period_seconds=period,
        failure_threshold=failures,
        initial_delay_seconds=initial_delay,
    )
