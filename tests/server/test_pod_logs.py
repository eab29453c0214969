"""``pods/<name>/log`` over HTTP: the query is PodLogOptions, checked as Kubernetes checks it."""

from __future__ import annotations

from typing import Any

import pytest

from kube_actors.api import Pod
from kube_actors.kubelet import NodeConfig

from .conftest import serving

pytestmark = pytest.mark.real_time

LOGS = "/api/v1/namespaces/default/pods/{}/log"


def _talker(name: str, *containers: str) -> dict[str, Any]:
    return {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {"name": name, "annotations": {"fake.kube-actors.io/logs": "a\nb\nc"}},
        "spec": {"containers": [{"name": c, "image": "busybox"} for c in containers]},
    }


async def _running(api: Any, manifest: dict[str, Any]) -> None:
    await api.cluster.apply(manifest)
    await api.cluster.wait_for(
        Pod,
        manifest["metadata"]["name"],
        condition=lambda pod: bool(pod.status.container_statuses),
        timeout=20,
    )


async def test_the_log_subresource_reads_the_part_the_query_asks_for() -> None:
    async with serving(nodes=[NodeConfig(name="n1")], scheduler=True) as api:
        await _running(api, _talker("p", "c"))
        code, text, response = await api.call("GET", LOGS.format("p"))
        assert (code, text) == (200, "a\nb\nc\n")
        assert response.headers["Content-Type"].startswith("text/plain")
        _, tail, _ = await api.call("GET", LOGS.format("p") + "?tailLines=2&container=c")
        assert tail == "b\nc\n"
        _, limited, _ = await api.call("GET", LOGS.format("p") + "?limitBytes=3")
        assert limited == "a\nb"
        _, stamped, _ = await api.call("GET", LOGS.format("p") + "?timestamps=true")
        assert stamped.splitlines()[0].split(" ")[0].endswith("Z")


async def test_refused_options_are_an_invalid_status_naming_each_field() -> None:
    async with serving(nodes=[NodeConfig(name="n1")], scheduler=True) as api:
        await _running(api, _talker("p", "c"))
        code, status, _ = await api.call("GET", LOGS.format("p") + "?tailLines=-1&limitBytes=0")
        assert (code, status["reason"]) == (422, "Invalid")
        assert status["details"]["kind"] == "PodLogOptions"
        fields = {c["field"] for c in status["details"]["causes"]}
        assert fields == {"tailLines", "limitBytes"}
        code, status, _ = await api.call("GET", LOGS.format("p") + "?tailLines=two")
        assert (code, status["reason"]) == (400, "BadRequest")
        assert "invalid value for tailLines" in status["message"]
        code, status, _ = await api.call("GET", LOGS.format("p") + "?sinceSeconds=5&sinceTime=x")
        assert code == 400
        assert "sinceTime" in status["message"]


async def test_a_many_container_pod_needs_the_container_named() -> None:
    async with serving(nodes=[NodeConfig(name="n1")], scheduler=True) as api:
        await _running(api, _talker("two", "app", "side"))
        code, status, _ = await api.call("GET", LOGS.format("two"))
        assert code == 400
        assert status["message"] == (
            "a container name must be specified for pod two, choose one of: [app side]"
        )
        code, status, _ = await api.call("GET", LOGS.format("nope"))
        assert (code, status["reason"]) == (404, "NotFound")
