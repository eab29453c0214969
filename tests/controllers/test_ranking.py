"""The order the Job controller deletes surplus Pods in: Kubernetes' ``controller.ActivePods``."""

from __future__ import annotations

import datetime as dt

from kube_actors.api import (
    ContainerStatus,
    ObjectMeta,
    Pod,
    PodCondition,
    PodSpec,
    PodStatus,
)
from kube_actors.controllers._ranking import active_pods_order

T0 = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)


def _pod(
    name: str,
    *,
    node: str = "n1",
    phase: str = "Running",
    ready_at: dt.datetime | None = None,
    restarts: int = 0,
    created: dt.datetime = T0,
) -> Pod:
    conditions = (
        (PodCondition(type="Ready", status="True", last_transition_time=ready_at),)
        if ready_at is not None
        else ()
    )
    return Pod(
        metadata=ObjectMeta(name=name, namespace="default", creation_timestamp=created),
        spec=PodSpec(node_name=node),
        status=PodStatus(
            phase=phase,
            conditions=conditions,
            container_statuses=(ContainerStatus(name="c", restart_count=restarts),),
        ),
    )


def test_active_pods_order_puts_the_least_established_pod_first() -> None:
    minute = dt.timedelta(minutes=1)
    pods = [
        _pod("old-ready", ready_at=T0),
        _pod("young-ready", ready_at=T0 + minute),
        _pod("restarting", ready_at=T0, restarts=3),
        _pod("not-ready-newer", created=T0 + minute),
        _pod("not-ready-older"),
        _pod("pending", phase="Pending"),
        _pod("unscheduled", node="", phase="Pending"),
    ]
    order = [pod.metadata.name for pod in active_pods_order(pods)]
    assert order == [
        "unscheduled",
        "pending",
        "not-ready-newer",
        "not-ready-older",
        "young-ready",
        "restarting",
        "old-ready",
    ]
