"""A Binding's ``uid`` and ``resourceVersion`` are preconditions on the Pod it binds, as
Kubernetes' ``BindingREST`` passes them to its storage: a Pod deleted and created again under
the same name is not bound by a Binding meant for the Pod before it. Taken alone or in a
batch of bindings (``ApiServer._parked_binding``), the same answers."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from kube_actors import Cluster
from kube_actors.api import Binding, ObjectMeta, ObjectReference, Pod, evolve
from kube_actors.errors import ApiError, Conflict
from kube_actors.testing import pod


def _binding(name: str, node: str, *, uid: str = "", resource_version: str = "") -> Binding:
    return Binding(
        metadata=ObjectMeta(
            name=name, namespace="default", uid=uid, resource_version=resource_version
        ),
        target=ObjectReference(kind="Node", name=node),
    )


async def _outcome(cluster: Cluster, binding: Binding) -> Any:
    try:
        return await cluster.client.create(binding)
    except ApiError as error:
        return error


async def test_a_binding_naming_the_uid_of_a_pod_since_recreated_is_a_conflict() -> None:
    async with Cluster(controllers=(), scheduler=False) as cluster:
        client = cluster.client
        old = await client.create(pod("web"))
        await client.delete(Pod, "web", namespace="default")
        new = await client.create(pod("web"))
        with pytest.raises(
            Conflict,
            match=(
                f'pods "web": Precondition failed: UID in precondition: {old.metadata.uid}, '
                f"UID in object meta: {new.metadata.uid}"
            ),
        ):
            await client.create(_binding("web", "node-1", uid=old.metadata.uid))
        assert not (await client.get(Pod, "web", namespace="default")).spec.node_name
        await client.create(_binding("web", "node-1", uid=new.metadata.uid))
        assert (await client.get(Pod, "web", namespace="default")).spec.node_name == "node-1"


async def test_a_binding_naming_an_older_resource_version_is_a_conflict() -> None:
    async with Cluster(controllers=(), scheduler=False) as cluster:
        client = cluster.client
        created = await client.create(pod("web"))
        relabelled = await client.update(
            evolve(created, metadata=evolve(created.metadata, labels={"tier": "front"}))
        )
        stale = created.metadata.resource_version
        with pytest.raises(
            Conflict,
            match=(
                f"Precondition failed: ResourceVersion in precondition: {stale}, "
                f"ResourceVersion in object meta: {relabelled.metadata.resource_version}"
            ),
        ):
            await client.create(_binding("web", "node-1", resource_version=stale))
        current = relabelled.metadata.resource_version
        await client.create(_binding("web", "node-1", resource_version=current))
        assert (await client.get(Pod, "web", namespace="default")).spec.node_name == "node-1"


async def test_bindings_taken_in_one_batch_check_their_preconditions_too() -> None:
    async with Cluster(controllers=(), scheduler=False) as cluster:
        client = cluster.client
        pods = [await client.create(pod(name)) for name in ("a", "b", "c")]
        outcomes = await asyncio.gather(
            _outcome(cluster, _binding("a", "node-1", uid=pods[0].metadata.uid)),
            _outcome(cluster, _binding("b", "node-1", uid=pods[0].metadata.uid)),
            _outcome(cluster, _binding("c", "node-1", uid=pods[2].metadata.uid)),
        )
        assert [type(o).__name__ for o in outcomes] == ["Pod", "Conflict", "Pod"]
        assert "Precondition failed: UID in precondition" in str(outcomes[1])
        bound = {p.metadata.name: p.spec.node_name for p in await client.list(Pod)}
        assert bound == {"a": "node-1", "b": "", "c": "node-1"}
