from __future__ import annotations

from collections.abc import Iterator
from typing import Any, ClassVar

import attrs
import pytest

from kube_actors import Cluster
from kube_actors.api import ObjectMeta, from_dict, omitempty, register_kind, to_dict
from kube_actors.errors import FieldCause, Invalid


@attrs.frozen(kw_only=True)
class CruncherSetSpec:
    replicas: int = 1
    image: str = ""


@attrs.frozen(kw_only=True)
class CruncherSetStatus:
    ready: int = omitempty(0)  # left out of the manifest when 0, as Go's omitempty


@attrs.frozen(kw_only=True)
class CruncherSet:
    """An embedding application's own kind."""

    api_version: ClassVar[str] = "apiserver.test/v1"
    kind: ClassVar[str] = "CruncherSet"

    metadata: ObjectMeta = attrs.field(factory=ObjectMeta)
    spec: CruncherSetSpec = attrs.field(factory=CruncherSetSpec)
    status: CruncherSetStatus = attrs.field(factory=CruncherSetStatus)


def _validate(pool: Any, old: Any) -> Iterator[FieldCause]:
    if pool.spec.replicas < 0:
        yield FieldCause(
            field="spec.replicas",
            message=f"Invalid value: {pool.spec.replicas}: must be greater than or equal to 0",
        )
    if not pool.spec.image:
        yield FieldCause(field="spec.image", message="Required value", type="FieldValueRequired")


register_kind(CruncherSet, validate=_validate)


def _pool(name: str, replicas: int = 2) -> CruncherSet:
    return CruncherSet(
        metadata=ObjectMeta(name=name, namespace="default"),
        spec=CruncherSetSpec(replicas=replicas, image="python:3.11"),
    )


async def test_a_kind_registered_from_python_is_served_like_a_built_in_one() -> None:
    async with Cluster(controllers=(), scheduler=False) as cluster:
        stream = await cluster.client.watch(CruncherSet, namespace="default")
        created = await cluster.client.create(_pool("crunchers"))
        assert created.metadata.uid
        assert created.metadata.generation == 1
        reported = await cluster.client.update_status(
            attrs.evolve(created, status=CruncherSetStatus(ready=2))
        )
        assert reported.status.ready == 2
        assert [p.metadata.name for p in await cluster.client.list(CruncherSet)] == ["crunchers"]
        events = await stream.next_batch()
        assert [(e.type, e.obj.status.ready) for e in events] == [("ADDED", 0), ("MODIFIED", 2)]


async def test_a_registered_kinds_own_validation_runs_in_the_apiserver() -> None:
    async with Cluster(controllers=(), scheduler=False) as cluster:
        bad = attrs.evolve(_pool("bad"), spec=CruncherSetSpec(replicas=-3))
        with pytest.raises(Invalid) as raised:
            await cluster.client.create(bad)
        assert {c.field for c in raised.value.causes} == {"spec.replicas", "spec.image"}
        assert str(raised.value).startswith('CruncherSet.apiserver.test "bad" is invalid')


def test_a_registered_kinds_manifest_round_trips() -> None:
    manifest = {
        "apiVersion": "apiserver.test/v1",
        "kind": "CruncherSet",
        "metadata": {"name": "crunchers", "namespace": "default"},
        "spec": {"replicas": 3, "image": "python:3.11"},
    }
    pool = from_dict(manifest)
    assert isinstance(pool, CruncherSet)
    assert to_dict(pool) == manifest
