"""A kind a user registers is served like a built-in one: discovery, CRUD, status, kubectl."""

from __future__ import annotations

from typing import ClassVar

import attrs
import pytest

from kube_actors.api import ObjectMeta, omitempty, register_kind

from .conftest import serving

pytestmark = pytest.mark.real_time


@attrs.frozen(kw_only=True)
class QueueSpec:
    workers: int = 0


@attrs.frozen(kw_only=True)
class QueueStatus:
    depth: int = omitempty(0)


@attrs.frozen(kw_only=True)
class TaskQueue:
    api_version: ClassVar[str] = "queues.example.com/v1"
    kind: ClassVar[str] = "TaskQueue"

    metadata: ObjectMeta = attrs.field(default=ObjectMeta())
    spec: QueueSpec = attrs.field(default=QueueSpec())
    status: QueueStatus = attrs.field(default=QueueStatus())


register_kind(TaskQueue)

QUEUES = "/apis/queues.example.com/v1/namespaces/default/taskqueues"
AGGREGATED = "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList"


async def test_a_registered_kind_is_discovered_and_served() -> None:
    async with serving() as api:
        _, groups, _ = await api.call("GET", "/apis", headers={"Accept": AGGREGATED})
        group = next(g for g in groups["items"] if g["metadata"]["name"] == "queues.example.com")
        (resource,) = group["versions"][0]["resources"]
        assert resource["resource"] == "taskqueues"
        assert resource["responseKind"]["kind"] == "TaskQueue"
        assert resource["scope"] == "Namespaced"
        _, listed, _ = await api.call("GET", "/apis/queues.example.com/v1")
        assert [r["name"] for r in listed["resources"]] == ["taskqueues", "taskqueues/status"]
        body = {"metadata": {"name": "jobs"}, "spec": {"workers": 3}}
        code, created, _ = await api.call("POST", QUEUES, body)
        assert (code, created["kind"], created["spec"]) == (201, "TaskQueue", {"workers": 3})
        code, patched, _ = await api.call(
            "PATCH",
            f"{QUEUES}/jobs/status",
            {"status": {"depth": 7}},
            content_type="application/merge-patch+json",
        )
        assert (code, patched["status"]) == (200, {"depth": 7})
        code, listed, _ = await api.call("GET", QUEUES)
        assert (listed["kind"], len(listed["items"])) == ("TaskQueueList", 1)


async def test_a_method_a_resource_does_not_allow_is_405() -> None:
    async with serving() as api:
        code, status, _ = await api.call("PUT", "/api/v1/namespaces/default/pods", {})
        assert (code, status["reason"]) == (405, "MethodNotAllowed")
        code, status, _ = await api.call("GET", "/api/v1/namespaces/default/pods/x/binding")
        assert (code, status["reason"]) == (405, "MethodNotAllowed")
