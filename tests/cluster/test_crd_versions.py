"""A CRD serving several versions with ``conversion.strategy: None``: one storage version,
every served version reads and writes the same objects, the apiVersion rewritten (#17)."""

from __future__ import annotations

import copy
from collections.abc import Iterator
from typing import Any

import pytest

from kube_actors import Cluster
from kube_actors.api import CustomResourceDefinition, from_dict, lookup_kind
from kube_actors.errors import Invalid
from tests.api.test_crd_validation import GOOD
from tests.crd_kinds import stop_serving

NAME = "crontabs.stable.example.com"


@pytest.fixture(autouse=True)
def _stop_serving_crontabs() -> Iterator[None]:
    yield
    stop_serving("stable.example.com/v1beta1", "CronTab")
    stop_serving("stable.example.com/v1", "CronTab")


def two_versions(storage: str = "v1") -> dict[str, Any]:
    crd = copy.deepcopy(GOOD)
    (v1,) = crd["spec"]["versions"]
    beta = {**copy.deepcopy(v1), "name": "v1beta1"}
    v1["storage"], beta["storage"] = storage == "v1", storage == "v1beta1"
    crd["spec"]["versions"] = [v1, beta]
    crd["spec"]["conversion"] = {"strategy": "None"}
    return crd


def crontab(version: str, name: str = "nightly") -> Any:
    return from_dict(
        {
            "apiVersion": f"stable.example.com/{version}",
            "kind": "CronTab",
            "metadata": {"name": name, "namespace": "default"},
            "spec": {"cron": "0 3 * * *"},
        }
    )


def classes() -> tuple[type[Any], type[Any]]:
    v1 = lookup_kind("stable.example.com/v1", "CronTab")
    beta = lookup_kind("stable.example.com/v1beta1", "CronTab")
    assert v1 is not None
    assert beta is not None
    return v1.cls, beta.cls


async def test_every_served_version_reads_and_writes_the_same_objects() -> None:
    async with Cluster(seed=1, controllers=(), scheduler=False) as cluster:
        await cluster.apply([two_versions()])
        v1, beta = classes()
        watch = await cluster.client.watch(beta, namespace="default")
        created = await cluster.client.create(crontab("v1beta1"))
        assert created.api_version == "stable.example.com/v1beta1"
        stored = await cluster.client.get(v1, "nightly", namespace="default")
        assert stored.api_version == "stable.example.com/v1"
        assert stored.metadata.uid == created.metadata.uid
        await cluster.client.patch(v1, "nightly", {"spec": {"cron": "0 4 * * *"}})
        [seen] = await cluster.client.list(beta, namespace="default")
        assert (seen.api_version, seen.spec["cron"]) == ("stable.example.com/v1beta1", "0 4 * * *")
        events = await watch.next_batch()
        assert [(e.type, e.obj.api_version) for e in events] == [
            ("ADDED", "stable.example.com/v1beta1"),
            ("MODIFIED", "stable.example.com/v1beta1"),
        ]
        crd = await cluster.client.get(CustomResourceDefinition, NAME)
        assert crd.status["storedVersions"] == ("v1",)


async def test_moving_the_storage_version_records_both_in_stored_versions() -> None:
    async with Cluster(seed=1, controllers=(), scheduler=False) as cluster:
        await cluster.apply([two_versions("v1")])
        await cluster.client.create(crontab("v1"))
        await cluster.apply([two_versions("v1beta1")])
        crd = await cluster.client.get(CustomResourceDefinition, NAME)
        assert crd.status["storedVersions"] == ("v1", "v1beta1")
        v1, _ = classes()
        kept = await cluster.client.get(v1, "nightly", namespace="default")
        assert kept.api_version == "stable.example.com/v1", "served in v1 still"


async def test_writing_a_crd_again_keeps_its_kinds_unless_their_definition_changed(
    tmp_path: Any,
) -> None:
    async with Cluster(seed=1, store=f"sqlite:///{tmp_path / 'crd.db'}") as cluster:
        await cluster.apply([two_versions()])
        before = classes()
        got = await cluster.client.create(crontab("v1"))
        labelled = two_versions()
        labelled["metadata"]["labels"] = {"team": "cron"}
        await cluster.apply([labelled])  # read back from the store, status written again
        assert classes() == before, "objects and informers keep their class"
        await cluster.client.update(got)  # an object read before is still of a served kind
        changed = two_versions()
        changed["spec"]["versions"][0]["additionalPrinterColumns"] = [
            {"name": "Cron", "type": "string", "jsonPath": ".spec.cron"}
        ]
        await cluster.apply([changed])
        v1, beta = classes()
        assert v1 is not before[0], "a new definition is a new class"
        assert beta is not before[1], "its other versions are stored as the new class"


async def test_a_version_objects_may_be_stored_in_cannot_leave_the_crd() -> None:
    async with Cluster(seed=1, controllers=(), scheduler=False) as cluster:
        await cluster.apply([two_versions("v1")])
        await cluster.apply([two_versions("v1beta1")])  # storedVersions: v1, v1beta1
        only_beta = two_versions("v1beta1")
        only_beta["spec"]["versions"] = only_beta["spec"]["versions"][1:]
        with pytest.raises(Invalid) as caught:
            await cluster.apply([only_beta])
        crd = await cluster.client.get(CustomResourceDefinition, NAME)
    assert [str(c) for c in caught.value.causes] == [
        'status.storedVersions[0]: Invalid value: "v1": must appear in spec.versions'
    ]
    assert [v["name"] for v in crd.spec["versions"]] == ["v1", "v1beta1"]
