"""resourceVersion and resourceVersionMatch over HTTP: the Status objects Kubernetes answers,
and the HTTP client reading them back into the same errors."""

from __future__ import annotations

import json
from typing import Any

import kubernetes_asyncio
import pytest

from kube_actors import Client
from kube_actors.api import Pod
from kube_actors.errors import Timeout

from .conftest import serving
from .test_http_api import PODS, pod

# The client is typed loosely: treat it as Any.
k8s_asyncio: Any = kubernetes_asyncio

pytestmark = [
    pytest.mark.real_time,
    # The client's own dependencies warn about their internals; not ours to fix.
    pytest.mark.filterwarnings("ignore::DeprecationWarning"),
]


async def test_an_exact_list_over_http_reads_that_revision() -> None:
    async with serving() as api:
        await api.call("POST", PODS, pod("a"))
        _, listed, _ = await api.call("GET", PODS)
        then = listed["metadata"]["resourceVersion"]
        await api.call("POST", PODS, pod("b"))
        code, exact, _ = await api.call(
            "GET", f"{PODS}?resourceVersion={then}&resourceVersionMatch=Exact"
        )
        assert code == 200
        assert [p["metadata"]["name"] for p in exact["items"]] == ["a"]
        assert exact["metadata"]["resourceVersion"] == then
        async with Client.from_kubeconfig(api.served.kubeconfig_path) as client:
            page = await client.list_page(
                Pod, namespace="default", resource_version=then, resource_version_match="Exact"
            )
            pod_a = await client.get(Pod, "a", namespace="default", resource_version=then)
        assert [p.metadata.name for p in page.items] == ["a"]
        assert pod_a.metadata.name == "a"


async def test_a_match_without_a_version_is_422_invalid() -> None:
    async with serving() as api:
        code, status, _ = await api.call("GET", f"{PODS}?resourceVersionMatch=NotOlderThan")
        assert (code, status["reason"]) == (422, "Invalid")
        assert status["details"]["causes"] == [
            {
                "reason": "FieldValueForbidden",
                "message": "Forbidden: resourceVersionMatch is forbidden unless "
                "resourceVersion is provided",
                "field": "resourceVersionMatch",
            }
        ]


async def test_a_version_never_reached_is_a_504_timeout_with_retry_after() -> None:
    async with serving() as api:
        _, listed, _ = await api.call("GET", PODS)
        current = int(listed["metadata"]["resourceVersion"])
        code, status, _ = await api.call("GET", f"{PODS}/x?resourceVersion={current + 100}")
        assert code == 504
        assert status["reason"] == "Timeout"
        assert status["message"] == (
            f"Timeout: Too large resource version: {current + 100}, current: {current}"
        )
        assert status["details"] == {
            "causes": [
                {
                    "reason": "ResourceVersionTooLarge",
                    "message": "Too large resource version",
                    "field": "",
                }
            ],
            "retryAfterSeconds": 1,
        }
        async with Client.from_kubeconfig(api.served.kubeconfig_path) as client:
            with pytest.raises(Timeout) as caught:
                await client.list(Pod, resource_version=str(current + 100))
        assert caught.value.retry_after_seconds == 1
        assert caught.value.causes[0].type == "ResourceVersionTooLarge"


@pytest.mark.parametrize(
    ("query", "code", "messages"),
    [
        (
            "resourceVersionMatch=Newest",
            422,
            [
                "Forbidden: resourceVersionMatch is forbidden unless resourceVersion is provided",
                'Unsupported value: "Newest": supported values: "Exact", "NotOlderThan", ""',
            ],
        ),
        (
            "watch=true&resourceVersion=1&resourceVersionMatch=NotOlderThan",
            422,
            [
                "Forbidden: resourceVersionMatch is forbidden for watch unless "
                "sendInitialEvents is provided"
            ],
        ),
        (
            "watch=true&sendInitialEvents=true&resourceVersionMatch=NotOlderThan",
            422,
            [
                "Forbidden: sendInitialEvents is forbidden for watch unless the WatchList "
                "feature gate is enabled"
            ],
        ),
        ("sendInitialEvents=false", 422, ["Forbidden: sendInitialEvents is forbidden for list"]),
        ("limit=1&continue=abc&resourceVersion=5", 400, []),
    ],
)
async def test_list_options_are_checked_as_kubernetes_checks_them(
    query: str, code: int, messages: list[str]
) -> None:
    async with serving() as api:
        answered, status, _ = await api.call("GET", f"{PODS}?{query}")
        assert answered == code, status
        if code == 422:
            assert status["reason"] == "Invalid"
            assert [c["message"] for c in status["details"]["causes"]] == messages
        else:
            assert status["reason"] == "BadRequest"
            assert status["message"] == (
                "specifying resource version is not allowed when using continue"
            )


async def test_kubernetes_asyncio_lists_an_exact_revision_and_reads_the_504() -> None:
    async with serving() as api:
        await api.call("POST", PODS, pod("a"))
        _, listed, _ = await api.call("GET", PODS)
        then = listed["metadata"]["resourceVersion"]
        await api.call("POST", PODS, pod("b"))
        client = await k8s_asyncio.config.new_client_from_config(
            config_file=str(api.served.kubeconfig_path)
        )
        async with client:
            core = k8s_asyncio.client.CoreV1Api(client)
            exact = await core.list_namespaced_pod(
                "default", resource_version=then, resource_version_match="Exact"
            )
            with pytest.raises(k8s_asyncio.client.ApiException) as caught:
                await core.list_namespaced_pod("default", resource_version=str(int(then) + 50))
    assert [p.metadata.name for p in exact.items] == ["a"]
    assert caught.value.status == 504
    assert json.loads(caught.value.body)["details"]["retryAfterSeconds"] == 1
