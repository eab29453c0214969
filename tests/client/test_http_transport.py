"""``Client.from_kubeconfig``: the same verbs, errors, watches and informers over HTTPS."""

from __future__ import annotations

import anyio
import attrs
import pytest

from kube_actors import Client
from kube_actors.api import (
    Binding,
    Container,
    ObjectMeta,
    ObjectReference,
    Pod,
    PodSpec,
    PodStatus,
)
from kube_actors.client import ClientConfig, EventHandlerFuncs, SharedInformer
from kube_actors.errors import AlreadyExists, Conflict, Invalid, NotFound, ServiceUnavailable

from ..server.conftest import serving

pytestmark = pytest.mark.real_time


def pod(name: str, **labels: str) -> Pod:
    return Pod(
        metadata=ObjectMeta(name=name, namespace="default", labels=labels),
        spec=PodSpec(containers=[Container(name="main", image="nginx")]),
    )


async def test_the_verbs_answer_over_https_as_in_process() -> None:
    async with serving() as api, Client.from_kubeconfig(api.served.kubeconfig_path) as client:
        created = await client.create(pod("web", app="web"))
        assert created.metadata.uid
        assert created.metadata.resource_version
        assert (await client.get(Pod, "web", namespace="default")).metadata.uid == (
            created.metadata.uid
        )
        await client.create(pod("db", app="db"))
        listed = await client.list(Pod, namespace="default", label_selector={"app": "web"})
        assert [p.metadata.name for p in listed] == ["web"]
        patched = await client.patch(
            Pod, "web", {"metadata": {"labels": {"tier": "front"}}}, namespace="default"
        )
        assert patched.metadata.labels == {"app": "web", "tier": "front"}
        status = attrs.evolve(patched, status=PodStatus(phase="Running"))
        assert (await client.update_status(status)).status.phase == "Running"
        # The same object in-process sees what HTTP wrote.
        seen = await api.cluster.client.get(Pod, "web", namespace="default")
        assert seen.status.phase == "Running"
        assert seen.metadata.labels["tier"] == "front"
        await client.delete(Pod, "web", namespace="default", grace_period_seconds=0)
        assert await client.delete(Pod, "web", namespace="default", ignore_not_found=True) is None


async def test_errors_over_https_are_the_in_process_exceptions() -> None:
    async with serving() as api, Client.from_kubeconfig(api.served.kubeconfig_path) as client:
        with pytest.raises(NotFound, match='pods "nope" not found'):
            await client.get(Pod, "nope", namespace="default")
        first = await client.create(pod("web"))
        with pytest.raises(AlreadyExists):
            await client.create(pod("web"))
        await client.patch(Pod, "web", {"metadata": {"labels": {"a": "b"}}}, namespace="default")
        stale = attrs.evolve(first, metadata=attrs.evolve(first.metadata, labels={"c": "d"}))
        with pytest.raises(Conflict):
            await client.update(stale)
        bad = attrs.evolve(pod("bad"), spec=PodSpec(containers=[Container(name="main")]))
        with pytest.raises(Invalid) as invalid:
            await client.create(bad)
        assert [cause.field for cause in invalid.value.causes] == ["spec.containers[0].image"]


async def test_create_each_over_https_is_one_request_a_create_with_its_own_outcome() -> None:
    async with serving() as api, Client.from_kubeconfig(api.served.kubeconfig_path) as client:
        outcomes = await client.create_each([pod("web"), pod("web"), pod("db")])
        assert [type(o) for o in outcomes] == [Pod, AlreadyExists, Pod]
        assert [p.metadata.name for p in await client.list(Pod, namespace="default")] == [
            "db",
            "web",
        ]


async def test_a_watch_over_https_streams_changes_after_the_list() -> None:
    async with serving() as api, Client.from_kubeconfig(api.served.kubeconfig_path) as client:
        page = await client.list_page(Pod, namespace="default")
        stream = await client.watch(
            Pod, namespace="default", resource_version=page.resource_version
        )
        await client.create(pod("web"))
        with anyio.fail_after(10):
            batch = await stream.next_batch()
        stream.close()
        assert [(e.type, e.obj.metadata.name) for e in batch] == [("ADDED", "web")]
        assert batch[0].resource_version == batch[0].obj.metadata.resource_version


async def test_an_informer_runs_unchanged_on_the_http_client() -> None:
    async with serving() as api, Client.from_kubeconfig(api.served.kubeconfig_path) as client:
        await client.create(pod("before"))
        informer = SharedInformer(client, Pod, namespace="default")
        added: list[str] = []
        deleted = anyio.Event()
        informer.add_event_handler(
            EventHandlerFuncs(
                on_add=lambda p: added.append(p.metadata.name),
                on_delete=lambda p: deleted.set() if p.metadata.name == "before" else None,
            )
        )
        async with anyio.create_task_group() as tg:
            tg.start_soon(informer.run)
            with anyio.fail_after(10):
                await informer.wait_synced()
                await api.cluster.client.create(pod("after"))
                await api.cluster.client.delete(
                    Pod, "before", namespace="default", grace_period_seconds=0
                )
                await deleted.wait()  # after the create, in the stream's order
            tg.cancel_scope.cancel()
        assert added == ["before", "after"]
        assert informer.indexer.get("after", "default") is not None


async def test_a_binding_over_https_binds_the_pod() -> None:
    async with serving(nodes=1) as api, Client.from_kubeconfig(api.served.kubeconfig_path) as c:
        await c.create(pod("web"))
        node = api.cluster.nodes[0]
        await c.create(
            Binding(
                metadata=ObjectMeta(name="web", namespace="default"),
                target=ObjectReference(kind="Node", name=node),
            )
        )
        assert (await c.get(Pod, "web", namespace="default")).spec.node_name == node


async def test_a_server_that_cannot_be_reached_is_service_unavailable() -> None:
    with anyio.fail_after(30):
        async with Client.from_config(ClientConfig(server="http://127.0.0.1:9")) as client:
            with pytest.raises(ServiceUnavailable, match=r"127\.0\.0\.1:9"):
                await client.get(Pod, "web", namespace="default")
