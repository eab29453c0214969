"""The real kubectl reads the server's protobuf answers: its typed generators (``kubectl
create deployment`` and friends) send ``Accept: application/vnd.kubernetes.protobuf,
application/json`` and get protobuf back; what kubectl prints of that answer is the object the
server stores. ``kubectl events --watch`` reads a protobuf watch. ``get``, ``apply``,
``describe`` and ``get --raw`` ask for JSON."""

from __future__ import annotations

import contextlib
import json
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import anyio

from kube_actors import Cluster
from kube_actors.api import Event, ObjectMeta, ObjectReference
from kube_actors.server import Served

from .test_kubectl import KUBECTL, kubectl
from .test_kubectl import pytestmark as kubectl_marks

# Real time, and skipped (with the reason) where no kubectl is installed and CI is not set.
pytestmark = kubectl_marks

GENERATORS = [
    ("deployment", "web", ["deployment", "web", "--image=nginx", "--replicas=2", "--port=80"]),
    ("service", "web", ["service", "nodeport", "web", "--tcp=8080:80"]),
    ("configmap", "cfg", ["configmap", "cfg", "--from-literal=a=b"]),
    ("secret", "sec", ["secret", "generic", "sec", "--from-literal=a=b"]),
    ("cronjob", "cj", ["cronjob", "cj", "--image=busybox", "--schedule=*/1 * * * *"]),
    ("namespace", "ns1", ["namespace", "ns1"]),
    ("role", "r", ["role", "r", "--verb=get", "--resource=pods"]),
    ("clusterrolebinding", "crb", ["clusterrolebinding", "crb", "--clusterrole=x", "--user=u"]),
    ("priorityclass", "pc", ["priorityclass", "pc", "--value=10"]),
    ("quota", "q", ["quota", "q", "--hard=pods=10"]),
    ("pdb", "pdb", ["pdb", "pdb", "--selector=app=web", "--min-available=1"]),
    ("ingress", "ing", ["ingress", "ing", "--rule=foo.com/bar=svc:80"]),
]


@contextlib.asynccontextmanager
async def serving(tmp_path: Path) -> AsyncIterator[tuple[Cluster, Served]]:
    """No controllers: what is created stays as it was written."""
    async with (
        Cluster(clock="real", scheduler=False, controllers=()) as cluster,
        cluster.serve(data_dir=str(tmp_path)) as served,
    ):
        yield cluster, served


def without_empties(value: Any) -> Any:
    """Go's JSON writes empty structs (``status: {}``, ``creationTimestamp: null``) that
    ours leaves out; what is set must agree."""
    if isinstance(value, dict):
        kept = {key: without_empties(item) for key, item in value.items()}
        return {key: item for key, item in kept.items() if item not in (None, {}, [])}
    if isinstance(value, list):
        return [without_empties(item) for item in value]
    return value


async def test_kubectl_create_prints_the_object_it_read_in_protobuf(tmp_path: Path) -> None:
    async with serving(tmp_path) as (_, served):
        _, _, log = await kubectl(
            served, "create", "-o", "json", "-v=8", "deployment", "logged", "--image=nginx"
        )
        # The request asked for protobuf and the answer was protobuf.
        assert "Accept: application/vnd.kubernetes.protobuf,application/json" in log
        answer = log.split("Response Status: 201")[-1]
        assert "Content-Type: application/vnd.kubernetes.protobuf" in answer
        for resource, name, args in GENERATORS:
            _, created, _ = await kubectl(served, "create", "-o", "json", *args)
            _, stored, _ = await kubectl(served, "get", resource, name, "-o", "json")
            assert without_empties(json.loads(created)) == without_empties(json.loads(stored))


async def test_kubectl_get_raw_asks_for_json_and_gets_it(tmp_path: Path) -> None:
    async with serving(tmp_path) as (_, served):
        await kubectl(served, "create", "configmap", "raw", "--from-literal=k=v")
        _, out, log = await kubectl(
            served, "get", "--raw", "/api/v1/namespaces/default/configmaps", "-v=8"
        )
        assert "Accept: application/json, */*" in log
        listed = json.loads(out)
        assert listed["kind"] == "ConfigMapList"
        assert [item["data"] for item in listed["items"] if item["metadata"]["name"] == "raw"] == [
            {"k": "v"}
        ]


async def test_kubectl_events_watch_reads_protobuf_watch_frames(tmp_path: Path) -> None:
    """``kubectl events --watch`` is client-go's typed watch: it asks for protobuf and reads
    the length-prefixed WatchEvents."""
    assert KUBECTL is not None, "CI is set and no kubectl binary is installed"
    async with serving(tmp_path) as (cluster, served), contextlib.AsyncExitStack() as stack:
        command = [KUBECTL, "--kubeconfig", str(served.kubeconfig_path), "events", "--watch"]
        process = await anyio.open_process([*command, "-v=8"])
        stack.push_async_callback(process.aclose)
        stack.callback(process.terminate)
        assert process.stdout is not None
        assert process.stderr is not None
        with anyio.fail_after(20):
            log = ""
            # The watch is open once its answer's headers are logged: protobuf frames.
            while "Content-Type: application/vnd.kubernetes.protobuf;stream=watch" not in log:
                log += (await process.stderr.receive()).decode()
            event = Event(
                metadata=ObjectMeta(name="hello.1", namespace="default"),
                involved_object=ObjectReference(kind="Pod", name="hello", namespace="default"),
                reason="Greeted",
                message="said hello over protobuf",
                type="Normal",
            )
            await cluster.client.create(event)
            printed = ""
            while "said hello over protobuf" not in printed:
                printed += (await process.stdout.receive()).decode()
        assert "Greeted" in printed
