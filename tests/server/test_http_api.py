"""Kubernetes' REST API over HTTPS: discovery, every verb, errors as Status, watch, auth."""

from __future__ import annotations

import json
from typing import Any

import anyio
import pytest

from kube_actors.api import Deployment, Pod, from_dict

from .conftest import Api, serving

pytestmark = pytest.mark.real_time

PODS = "/api/v1/namespaces/default/pods"
DEPLOYMENTS = "/apis/apps/v1/namespaces/default/deployments"


def pod(name: str, **labels: str) -> dict[str, Any]:
    return {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {"name": name, "labels": labels},
        "spec": {"containers": [{"name": "main", "image": "nginx"}]},
    }


def deployment(name: str, replicas: int = 1) -> dict[str, Any]:
    labels = {"app": name}
    return {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": name},
        "spec": {
            "replicas": replicas,
            "selector": {"matchLabels": labels},
            "template": {
                "metadata": {"labels": labels},
                "spec": {"containers": [{"name": "web", "image": "nginx"}]},
            },
        },
    }


async def test_a_request_without_the_token_is_refused_with_401() -> None:
    async with serving() as api:
        async with api.session.get(api.served.url + "/api/v1/pods") as response:
            assert response.status == 401
            status = await response.json()
        assert status["kind"] == "Status"
        assert status["reason"] == "Unauthorized"
        wrong = {"Authorization": "Bearer nope"}
        async with api.session.get(api.served.url + "/version", headers=wrong) as response:
            assert response.status == 401


async def test_version_and_health_answer() -> None:
    async with serving() as api:
        code, version, _ = await api.call("GET", "/version")
        assert code == 200
        assert (version["major"], version["minor"]) == ("1", "32")
        for probe in ("/healthz", "/livez", "/readyz"):
            code, text, _ = await api.call("GET", probe)
            assert (code, text) == (200, "ok")


async def test_discovery_lists_resources_with_short_names_categories_and_subresources() -> None:
    async with serving() as api:
        code, core, _ = await api.call("GET", "/api/v1")
        assert code == 200
        by_name = {r["name"]: r for r in core["resources"]}
        assert by_name["pods"]["shortNames"] == ["po"]
        assert by_name["pods"]["categories"] == ["all"]
        assert by_name["nodes"]["namespaced"] is False
        assert {"pods/status", "pods/log", "pods/binding", "pods/eviction"} <= set(by_name)
        _, groups, _ = await api.call("GET", "/apis")
        assert "apps" in {g["name"] for g in groups["groups"]}
        _, apps, _ = await api.call("GET", "/apis/apps/v1")
        scale = {r["name"]: r for r in apps["resources"]}["deployments/scale"]
        assert (scale["group"], scale["version"], scale["kind"]) == ("autoscaling", "v1", "Scale")


async def test_aggregated_discovery_is_answered_with_its_content_type() -> None:
    async with serving() as api:
        accept = "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList"
        code, body, response = await api.call("GET", "/apis", headers={"Accept": accept})
        assert code == 200
        assert response.headers["Content-Type"] == accept
        apps = next(item for item in body["items"] if item["metadata"]["name"] == "apps")
        resources = {r["resource"]: r for r in apps["versions"][0]["resources"]}
        assert resources["deployments"]["shortNames"] == ["deploy"]
        assert resources["deployments"]["scope"] == "Namespaced"
        assert "scale" in {s["subresource"] for s in resources["deployments"]["subresources"]}
        _, core, _ = await api.call("GET", "/api", headers={"Accept": accept})
        assert [item["metadata"]["name"] for item in core["items"]] == [""]


async def test_create_get_list_patch_delete_a_pod() -> None:
    async with serving() as api:
        code, created, _ = await api.call("POST", PODS, pod("web", app="web"))
        assert code == 201
        assert created["metadata"]["uid"]
        code, got, _ = await api.call("GET", f"{PODS}/web")
        assert code == 200
        assert got["metadata"]["uid"] == created["metadata"]["uid"]
        await api.call("POST", PODS, pod("db", app="db"))
        code, listed, _ = await api.call("GET", f"{PODS}?labelSelector=app%3Dweb")
        assert listed["kind"] == "PodList"
        assert [p["metadata"]["name"] for p in listed["items"]] == ["web"]
        patch = {"metadata": {"labels": {"tier": "front"}}}
        code, patched, _ = await api.call(
            "PATCH", f"{PODS}/web", patch, content_type="application/merge-patch+json"
        )
        assert code == 200
        assert patched["metadata"]["labels"] == {"app": "web", "tier": "front"}
        stored = await api.cluster.client.get(Pod, "web", namespace="default")
        assert stored.metadata.labels["tier"] == "front"
        code, _, _ = await api.call("DELETE", f"{PODS}/web?gracePeriodSeconds=0")
        assert code == 200
        code, _, _ = await api.call("GET", f"{PODS}/web")
        assert code == 404


async def test_a_list_pages_with_limit_and_continue() -> None:
    async with serving() as api:
        for i in range(5):
            await api.call("POST", PODS, pod(f"p{i}"))
        names: list[str] = []
        path = f"{PODS}?limit=2"
        while True:
            code, page, _ = await api.call("GET", path)
            assert code == 200
            assert len(page["items"]) <= 2
            names += [p["metadata"]["name"] for p in page["items"]]
            token = page["metadata"].get("continue")
            if not token:
                break
            path = f"{PODS}?limit=2&continue={token}"
        assert names == [f"p{i}" for i in range(5)]


async def test_generate_name_gives_a_fresh_name() -> None:
    async with serving() as api:
        body = pod("")
        body["metadata"] = {"generateName": "worker-"}
        code, created, _ = await api.call("POST", PODS, body)
        assert code == 201
        assert created["metadata"]["name"].startswith("worker-")
        assert len(created["metadata"]["name"]) > len("worker-")


async def test_errors_are_status_objects_with_reason_code_and_details() -> None:
    async with serving() as api:
        code, status, _ = await api.call("GET", f"{PODS}/nope")
        assert code == 404
        assert status["kind"] == "Status"
        assert status["status"] == "Failure"
        assert status["reason"] == "NotFound"
        assert status["message"] == 'pods "nope" not found'
        assert status["details"]["name"] == "nope"
        await api.call("POST", PODS, pod("twice"))
        code, status, _ = await api.call("POST", PODS, pod("twice"))
        assert (code, status["reason"]) == (409, "AlreadyExists")
        bad = deployment("bad", replicas=-1)
        code, status, _ = await api.call("POST", DEPLOYMENTS, bad)
        assert (code, status["reason"]) == (422, "Invalid")
        assert status["details"]["causes"][0]["field"] == "spec.replicas"
        code, status, _ = await api.call("POST", PODS, "<xml/>", content_type="application/xml")
        assert (code, status["reason"]) == (415, "UnsupportedMediaType")
        code, status, _ = await api.call("GET", f"{PODS}?watch=maybe")
        assert (code, status["reason"]) == (400, "BadRequest")
        assert "watch" in status["message"]
        code, status, _ = await api.call("GET", "/api/v1/namespaces/default/widgets")
        assert (code, status["reason"]) == (404, "NotFound")


async def test_a_stale_update_is_a_conflict() -> None:
    async with serving() as api:
        _, created, _ = await api.call("POST", PODS, pod("web"))
        await api.call(
            "PATCH",
            f"{PODS}/web",
            {"metadata": {"labels": {"a": "b"}}},
            content_type="application/merge-patch+json",
        )
        code, status, _ = await api.call("PUT", f"{PODS}/web", created)
        assert (code, status["reason"]) == (409, "Conflict")


async def test_a_body_that_disagrees_with_the_url_is_a_bad_request() -> None:
    async with serving() as api:
        code, status, _ = await api.call(
            "POST",
            "/api/v1/namespaces/kube-system/pods",
            {**pod("x"), "metadata": {"name": "x", "namespace": "default"}},
        )
        assert (code, status["reason"]) == (400, "BadRequest")
        assert "namespace" in status["message"]


async def test_field_validation_strict_refuses_warn_warns_and_ignore_drops() -> None:
    async with serving() as api:
        body = pod("strict")
        body["spec"]["bogus"] = 1
        code, status, _ = await api.call("POST", f"{PODS}?fieldValidation=Strict", body)
        assert (code, status["reason"]) == (400, "BadRequest")
        assert status["message"] == (
            'Pod in version "v1" cannot be handled as a Pod: '
            'strict decoding error: unknown field "spec.bogus"'
        )
        body["metadata"]["name"] = "warn"
        code, _, response = await api.call("POST", f"{PODS}?fieldValidation=Warn", body)
        assert code == 201
        assert response.headers["Warning"] == '299 - "unknown field \\"spec.bogus\\""'
        body["metadata"]["name"] = "ignore"
        code, _, response = await api.call("POST", f"{PODS}?fieldValidation=Ignore", body)
        assert code == 201
        assert "Warning" not in response.headers


async def test_dry_run_stores_nothing() -> None:
    async with serving() as api:
        code, answered, _ = await api.call("POST", f"{PODS}?dryRun=All", pod("ghost"))
        assert code == 201
        assert answered["metadata"]["name"] == "ghost"
        code, _, _ = await api.call("GET", f"{PODS}/ghost")
        assert code == 404


async def test_delete_collection_deletes_what_the_selector_matches() -> None:
    async with serving() as api:
        await api.call("POST", PODS, pod("a", app="x"))
        await api.call("POST", PODS, pod("b", app="x"))
        await api.call("POST", PODS, pod("c", app="y"))
        code, status, _ = await api.call(
            "DELETE", f"{PODS}?labelSelector=app%3Dx&gracePeriodSeconds=0"
        )
        assert (code, status["status"]) == (200, "Success")
        left = await api.cluster.client.list(Pod, namespace="default")
        assert sorted(p.metadata.name for p in left if p.metadata.deletion_timestamp is None) == [
            "c"
        ]


async def test_scale_subresource_reads_and_writes_replicas() -> None:
    async with serving() as api:
        await api.call("POST", DEPLOYMENTS, deployment("web", replicas=1))
        code, scale, _ = await api.call("GET", f"{DEPLOYMENTS}/web/scale")
        assert code == 200
        assert (scale["apiVersion"], scale["kind"]) == ("autoscaling/v1", "Scale")
        assert scale["spec"]["replicas"] == 1
        assert scale["status"]["selector"] == "app=web"
        scale["spec"]["replicas"] = 3
        code, scaled, _ = await api.call("PUT", f"{DEPLOYMENTS}/web/scale", scale)
        assert (code, scaled["spec"]["replicas"]) == (200, 3)
        stored = await api.cluster.client.get(Deployment, "web", namespace="default")
        assert stored.spec.replicas == 3
        code, status, _ = await api.call("PUT", f"{DEPLOYMENTS}/web/scale", scale)
        assert (code, status["reason"]) == (409, "Conflict")  # its resourceVersion is stale now
        code, scaled, _ = await api.call(
            "PATCH",
            f"{DEPLOYMENTS}/web/scale",
            {"spec": {"replicas": 2}},
            content_type="application/merge-patch+json",
        )
        assert (code, scaled["spec"]["replicas"]) == (200, 2)


async def test_status_subresource_writes_only_status() -> None:
    async with serving() as api:
        await api.call("POST", PODS, pod("web"))
        patch = {"status": {"message": "hello"}, "metadata": {"labels": {"ignored": "yes"}}}
        code, patched, _ = await api.call(
            "PATCH", f"{PODS}/web/status", patch, content_type="application/merge-patch+json"
        )
        assert code == 200
        assert patched["status"]["message"] == "hello"
        assert "ignored" not in (patched["metadata"].get("labels") or {})


async def test_eviction_deletes_the_pod() -> None:
    async with serving() as api:
        await api.call("POST", PODS, pod("web"))
        eviction = {
            "apiVersion": "policy/v1",
            "kind": "Eviction",
            "metadata": {"name": "web", "namespace": "default"},
            "deleteOptions": {"gracePeriodSeconds": 0},
        }
        code, status, _ = await api.call("POST", f"{PODS}/web/eviction", eviction)
        assert (code, status["status"]) == (201, "Success")
        code, _, _ = await api.call("GET", f"{PODS}/web")
        assert code == 404


async def test_binding_subresource_binds_the_pod() -> None:
    async with serving() as api:
        body = pod("bound")
        body["spec"]["schedulerName"] = "nobody"  # the scheduler leaves it alone
        await api.call("POST", PODS, body)
        binding = {
            "apiVersion": "v1",
            "kind": "Binding",
            "metadata": {"name": "bound"},
            "target": {"apiVersion": "v1", "kind": "Node", "name": "control-plane"},
        }
        code, status, _ = await api.call("POST", f"{PODS}/bound/binding", binding)
        assert (code, status["status"]) == (201, "Success")
        stored = await api.cluster.client.get(Pod, "bound", namespace="default")
        assert stored.spec.node_name == "control-plane"


async def _watch_lines(api: Api, path: str, count: int) -> list[dict[str, Any]]:
    events: list[dict[str, Any]] = []
    async with api.session.get(api.served.url + path, headers=api.headers) as response:
        assert response.status == 200
        with anyio.fail_after(10):
            async for line in response.content:
                events.append(json.loads(line))
                if len(events) == count:
                    break
    return events


async def test_watch_streams_events_as_json_lines() -> None:
    async with serving() as api:
        _, listed, _ = await api.call("GET", PODS)
        version = listed["metadata"]["resourceVersion"]
        async with anyio.create_task_group() as tg:
            results: list[list[dict[str, Any]]] = []

            async def watch() -> None:
                results.append(
                    await _watch_lines(api, f"{PODS}?watch=1&resourceVersion={version}", 3)
                )

            tg.start_soon(watch)
            await api.call("POST", PODS, pod("w"))
            await api.call(
                "PATCH",
                f"{PODS}/w",
                {"metadata": {"labels": {"x": "y"}}},
                content_type="application/merge-patch+json",
            )
            await api.call("DELETE", f"{PODS}/w?gracePeriodSeconds=0")
        (events,) = results
        assert [e["type"] for e in events] == ["ADDED", "MODIFIED", "DELETED"]
        assert {e["object"]["metadata"]["name"] for e in events} == {"w"}
        assert events[0]["object"]["kind"] == "Pod"


async def test_watch_ends_after_timeout_seconds() -> None:
    async with serving() as api:
        with anyio.fail_after(10):
            code, _, _ = await api.call(
                "GET", f"{PODS}?watch=true&timeoutSeconds=1&resourceVersion=1"
            )
        assert code == 200


async def test_a_watch_from_a_compacted_version_gets_an_error_event_with_410() -> None:
    async with serving(watch_cache_size=3) as api:
        _, first, _ = await api.call("POST", PODS, pod("first"))
        # The cache trims its log in steps of 1024 changes: make enough of them, in-process.
        for i in range(1100):
            await api.cluster.client.create(
                from_dict(pod(f"p{i}") | {"metadata": {"name": f"p{i}", "namespace": "default"}})
            )
        start = first["metadata"]["resourceVersion"]
        events = await _watch_lines(api, f"{PODS}?watch=true&resourceVersion={start}", 1)
        assert events[0]["type"] == "ERROR"
        status = events[0]["object"]
        assert (status["kind"], status["code"], status["reason"]) == ("Status", 410, "Expired")
