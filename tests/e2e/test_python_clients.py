"""The official ``kubernetes`` client and ``kubernetes_asyncio``, unchanged, against a served
cluster: create, list, watch, patch, delete, and errors as ApiException with their status."""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

import anyio
import kubernetes
import kubernetes_asyncio
import pytest

from kube_actors import Cluster

# The clients are typed loosely (dicts are accepted for bodies at run time): treat them as Any.
k8s: Any = kubernetes
k8s_asyncio: Any = kubernetes_asyncio

pytestmark = [
    pytest.mark.real_time,
    # The clients' own dependencies warn about their internals; not ours to fix.
    pytest.mark.filterwarnings("ignore::DeprecationWarning"),
]


def a_pod(name: str) -> dict[str, Any]:
    return {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {"name": name, "labels": {"app": "client"}},
        "spec": {"containers": [{"name": "main", "image": "nginx"}]},
    }


def _sync_story(kubeconfig: Path) -> dict[str, Any]:
    """What a user's script does with the official client (blocking: run in a thread)."""
    api_client = k8s.config.new_client_from_config(config_file=str(kubeconfig))
    core = k8s.client.CoreV1Api(api_client)
    seen: dict[str, Any] = {}
    created = core.create_namespaced_pod("default", a_pod("sync"))
    seen["created"] = created.metadata.name
    listed = core.list_namespaced_pod("default", label_selector="app=client")
    seen["listed"] = [p.metadata.name for p in listed.items]
    patched = core.patch_namespaced_pod(
        "sync", "default", {"metadata": {"labels": {"patched": "yes"}}}
    )
    seen["labels"] = patched.metadata.labels
    watch = k8s.watch.Watch()
    events = watch.stream(
        core.list_namespaced_pod,
        "default",
        resource_version=listed.metadata.resource_version,
        timeout_seconds=5,
    )
    core.delete_namespaced_pod("sync", "default", grace_period_seconds=0)
    for event in events:
        if event["type"] == "DELETED":
            seen["watched"] = event["object"].metadata.name
            watch.stop()
    try:
        core.read_namespaced_pod("sync", "default")
    except k8s.client.ApiException as error:
        seen["missing"] = (error.status, error.reason)
    try:
        bad = a_pod("bad")
        bad["spec"]["containers"][0]["name"] = "Not_A_DNS_Label"
        core.create_namespaced_pod("default", bad)
    except k8s.client.ApiException as error:
        seen["invalid"] = error.status
    api_client.close()
    return seen


async def test_the_official_client_creates_lists_watches_patches_and_deletes() -> None:
    async with (
        Cluster(clock="real", scheduler=False, controllers=()) as cluster,
        cluster.serve() as served,
    ):
        with anyio.fail_after(30):
            seen = await anyio.to_thread.run_sync(
                functools.partial(_sync_story, served.kubeconfig_path)
            )
    assert seen["created"] == "sync"
    assert seen["listed"] == ["sync"]
    assert seen["labels"] == {"app": "client", "patched": "yes"}
    assert seen["watched"] == "sync"
    assert seen["missing"] == (404, "Not Found")
    assert seen["invalid"] == 422


async def test_kubernetes_asyncio_creates_lists_watches_patches_and_deletes() -> None:
    async with (
        Cluster(clock="real", scheduler=False, controllers=()) as cluster,
        cluster.serve() as served,
    ):
        api_client = await k8s_asyncio.config.new_client_from_config(
            config_file=str(served.kubeconfig_path)
        )
        async with api_client:
            apps = k8s_asyncio.client.AppsV1Api(api_client)
            core = k8s_asyncio.client.CoreV1Api(api_client)
            await core.create_namespaced_pod("default", a_pod("a"))
            listed = await core.list_namespaced_pod("default")
            assert [p.metadata.name for p in listed.items] == ["a"]
            patched = await core.patch_namespaced_pod(
                "a", "default", {"metadata": {"annotations": {"k": "v"}}}
            )
            assert patched.metadata.annotations == {"k": "v"}
            watch = k8s_asyncio.watch.Watch()
            types = []
            with anyio.fail_after(10):
                async with watch.stream(
                    core.list_namespaced_pod,
                    "default",
                    resource_version=listed.metadata.resource_version,
                    timeout_seconds=5,
                ) as stream:
                    await core.delete_namespaced_pod("a", "default")
                    async for event in stream:
                        types.append(event["type"])
                        if event["type"] == "DELETED":
                            break
            assert types[-1] == "DELETED"
            with pytest.raises(k8s_asyncio.client.ApiException) as missing:
                await apps.read_namespaced_deployment("nope", "default")
            assert missing.value.status == 404
            await core.create_namespaced_pod("default", a_pod("b"))
            with pytest.raises(k8s_asyncio.client.ApiException) as exists:
                await core.create_namespaced_pod("default", a_pod("b"))
            assert exists.value.status == 409
