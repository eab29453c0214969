"""A CRD's status and scale subresources, as Kubernetes serves them (#17)."""

from __future__ import annotations

import copy
from collections.abc import Iterator
from typing import Any

import attrs
import pytest

from kube_actors import Cluster
from kube_actors.api import FrozenDict, lookup_kind, scale_of
from kube_actors.errors import Invalid, NotFound
from tests.api.test_crd_validation import GOOD
from tests.crd_kinds import stop_serving


@pytest.fixture(autouse=True)
def _stop_serving_crontabs() -> Iterator[None]:
    yield
    stop_serving("stable.example.com/v1", "CronTab")


def crd(subresources: dict[str, Any] | None) -> dict[str, Any]:
    """GOOD with replicas in its spec, a status, and the given subresources."""
    manifest = copy.deepcopy(GOOD)
    version = manifest["spec"]["versions"][0]
    schema = version["schema"]["openAPIV3Schema"]["properties"]
    schema["spec"]["properties"]["replicas"] = {"type": "integer"}
    schema["status"] = {
        "type": "object",
        "properties": {"replicas": {"type": "integer"}, "selector": {"type": "string"}},
    }
    if subresources is not None:
        version["subresources"] = subresources
    return manifest


SCALED = {
    "status": {},
    "scale": {
        "specReplicasPath": ".spec.replicas",
        "statusReplicasPath": ".status.replicas",
        "labelSelectorPath": ".status.selector",
    },
}

CRONTAB = {
    "apiVersion": "stable.example.com/v1",
    "kind": "CronTab",
    "metadata": {"name": "nightly", "namespace": "default"},
    "spec": {"cron": "0 3 * * *", "replicas": 2},
    "status": {"replicas": 7},
}


def _cls() -> type[Any]:
    info = lookup_kind("stable.example.com/v1", "CronTab")
    assert info is not None
    return info.cls


async def test_with_a_status_subresource_spec_and_status_are_written_apart() -> None:
    async with Cluster(seed=1, controllers=(), scheduler=False) as cluster:
        await cluster.apply([crd({"status": {}})])
        await cluster.apply([copy.deepcopy(CRONTAB)])
        cls = _cls()
        created = await cluster.client.get(cls, "nightly", namespace="default")
        assert dict(created.status) == {}, "a create cannot set the status"
        assert created.metadata.generation == 1
        reported = await cluster.client.update_status(
            attrs.evolve(
                created,
                spec=FrozenDict({"cron": "changed"}),
                status=FrozenDict({"replicas": 2}),
            )
        )
        assert dict(reported.status) == {"replicas": 2}
        assert reported.spec["cron"] == "0 3 * * *", "a status write leaves the spec alone"
        assert reported.metadata.generation == 1
        updated = await cluster.client.update(
            attrs.evolve(
                reported,
                spec=FrozenDict({"cron": "0 4 * * *", "replicas": 2}),
                status=FrozenDict({"replicas": 9}),
            )
        )
        assert dict(updated.status) == {"replicas": 2}, "an update leaves the status alone"
        assert updated.metadata.generation == 2


async def test_without_a_status_subresource_the_status_is_written_with_the_object() -> None:
    async with Cluster(seed=1, controllers=(), scheduler=False) as cluster:
        await cluster.apply([crd(None)])
        await cluster.apply([copy.deepcopy(CRONTAB)])
        cls = _cls()
        created = await cluster.client.get(cls, "nightly", namespace="default")
        assert dict(created.status) == {"replicas": 7}
        with pytest.raises(NotFound, match="could not find the requested resource"):
            await cluster.client.update_status(created)
        updated = await cluster.client.update(
            attrs.evolve(created, status=FrozenDict({"replicas": 1}))
        )
        assert dict(updated.status) == {"replicas": 1}
        assert updated.metadata.generation == 2, "any change but metadata is a new generation"


async def test_the_scale_subresource_reads_and_writes_the_paths_the_crd_names() -> None:
    async with Cluster(seed=1, controllers=(), scheduler=False) as cluster:
        await cluster.apply([crd(SCALED)])
        await cluster.apply([copy.deepcopy(CRONTAB)])
        cls = _cls()
        created = await cluster.client.get(cls, "nightly", namespace="default")
        await cluster.client.update_status(
            attrs.evolve(created, status=FrozenDict({"replicas": 2, "selector": "app=cron"}))
        )
        scaled = await cluster.scale(cls, "nightly", 5, namespace="default")
        assert scaled.spec["replicas"] == 5
        scale = scale_of(scaled)
        assert (scale["spec"], scale["status"]) == (
            {"replicas": 5},
            {"replicas": 2, "selector": "app=cron"},
        )


async def test_a_crd_whose_scale_paths_point_elsewhere_is_refused() -> None:
    bad = crd({"scale": {"specReplicasPath": ".status.replicas", "statusReplicasPath": ""}})
    async with Cluster(seed=1, controllers=(), scheduler=False) as cluster:
        with pytest.raises(Invalid) as caught:
            await cluster.apply([bad])
    assert [str(c) for c in caught.value.causes] == [
        'spec.versions[0].subresources.scale.specReplicasPath: Invalid value: "'
        '.status.replicas": should be a json path under .spec',
        "spec.versions[0].subresources.scale.statusReplicasPath: Required value",
    ]
