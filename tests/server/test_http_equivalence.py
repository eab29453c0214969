"""A property: writes made over HTTP do exactly what the same writes made in-process do.

Two clusters with the same seed take the same drawn sequence of writes (create, merge patch,
strategic patch, update with the read resourceVersion, delete, some of them bound to fail):
one through the HTTP API, one through the in-process ``Client``. Every write must succeed or
fail alike (the same HTTP status as the error's code), and both clusters must end with the
same objects and the same watch history.
"""

from __future__ import annotations

import json
import ssl
from typing import Any

import aiohttp
import anyio
from hypothesis import given, settings
from hypothesis import strategies as st

from kube_actors import Cluster
from kube_actors.api import Pod, from_dict, to_dict
from kube_actors.errors import ApiError

PODS = "/api/v1/namespaces/default/pods"
NAMES = st.sampled_from(["a", "b", "c"])
VALUES = st.sampled_from(["x", "y", "Not Valid!"])  # the last is not a label value: 422
OPS = st.lists(
    st.tuples(st.sampled_from(["create", "merge", "strategic", "update", "delete"]), NAMES, VALUES),
    max_size=12,
)


def pod(name: str, value: str) -> dict[str, Any]:
    return {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {"name": name, "namespace": "default", "labels": {"k": value}},
        "spec": {"containers": [{"name": "main", "image": "nginx"}]},
    }


async def _over_http(
    session: aiohttp.ClientSession, url: str, token: str, op: str, name: str, value: str
) -> int:
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    patch = json.dumps({"metadata": {"labels": {"k": value}}})
    if op == "create":
        request = session.post(url + PODS, data=json.dumps(pod(name, value)), headers=headers)
    elif op in ("merge", "strategic"):
        kind = "merge" if op == "merge" else "strategic-merge"
        headers["Content-Type"] = f"application/{kind}-patch+json"
        request = session.patch(f"{url}{PODS}/{name}", data=patch, headers=headers)
    elif op == "update":
        async with session.get(f"{url}{PODS}/{name}", headers=headers) as current:
            if current.status != 200:
                return current.status
            body = await current.json()
        body["metadata"]["labels"] = {"k": value}
        request = session.put(f"{url}{PODS}/{name}", data=json.dumps(body), headers=headers)
    else:
        request = session.delete(f"{url}{PODS}/{name}", headers=headers)
    async with request as response:
        return response.status


async def _in_process(cluster: Cluster, op: str, name: str, value: str) -> int:
    client = cluster.client
    try:
        if op == "create":
            await client.create(from_dict(pod(name, value)))
            return 201
        if op in ("merge", "strategic"):
            patch = {"metadata": {"labels": {"k": value}}}
            await client.patch(Pod, name, patch, namespace="default", patch_type=op)  # type: ignore[arg-type]
        elif op == "update":
            manifest = to_dict(await client.get(Pod, name, namespace="default"))
            manifest["metadata"]["labels"] = {"k": value}
            await client.update(from_dict(manifest))
        else:
            await client.delete(Pod, name, namespace="default")
    except ApiError as error:
        return error.code
    return 200


async def _history(cluster: Cluster, start: str) -> tuple[list[tuple[str, str, str]], list[Any]]:
    end = int((await cluster.client.list_page(Pod, namespace="default")).resource_version)
    events: list[tuple[str, str, str]] = []
    if end > int(start):
        stream = await cluster.client.watch(Pod, namespace="default", resource_version=start)
        with anyio.fail_after(10):
            async for event in stream:
                meta = event.obj.metadata
                events.append((event.type, meta.name, meta.labels.get("k", "")))
                if int(meta.resource_version) >= end:
                    break
        stream.close()
    objects = sorted(
        (p.metadata.name, dict(p.metadata.labels))
        for p in await cluster.client.list(Pod, namespace="default")
    )
    return events, objects


async def _scenario(ops: list[tuple[str, str, str]]) -> None:
    options: dict[str, Any] = {"clock": "real", "scheduler": False, "controllers": (), "seed": 7}
    async with (
        Cluster(**options) as served_cluster,
        Cluster(**options) as local,
        served_cluster.serve() as served,
    ):
        assert served.ca_cert is not None
        context = ssl.create_default_context(cafile=str(served.ca_cert))
        starts = [
            (await c.client.list_page(Pod, namespace="default")).resource_version
            for c in (served_cluster, local)
        ]
        async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(ssl=context)) as session:
            for op, name, value in ops:
                over_http = await _over_http(session, served.url, served.token, op, name, value)
                in_process = await _in_process(local, op, name, value)
                assert over_http == in_process, (op, name, value)
        assert await _history(served_cluster, starts[0]) == await _history(local, starts[1])


@settings(max_examples=12)
@given(OPS)
def test_writes_over_http_and_in_process_leave_the_same_state_and_history(
    ops: list[tuple[str, str, str]],
) -> None:
    anyio.run(_scenario, ops)
