"""A CRD's status: accepted names, NamesAccepted, Established, storedVersions, and the
Terminating condition while its objects are deleted with it (#17)."""

from __future__ import annotations

import copy
from collections.abc import Iterator
from typing import Any

import anyio
import attrs
import pytest

from kube_actors import Cluster
from kube_actors.api import CustomResourceDefinition, from_dict, lookup_kind
from kube_actors.errors import NotFound
from tests.api.test_crd_validation import GOOD
from tests.apiserver.test_custom_kinds import CruncherSet
from tests.crd_kinds import stop_serving

NAME = "crontabs.stable.example.com"


@pytest.fixture(autouse=True)
def _stop_serving_crontabs() -> Iterator[None]:
    yield
    stop_serving("stable.example.com/v1", "CronTab")


def conditions(crd: CustomResourceDefinition) -> list[tuple[str, str, str, str]]:
    return [(c["type"], c["status"], c["reason"], c["message"]) for c in crd.status["conditions"]]


def crontab(name: str = "nightly", **metadata: Any) -> Any:
    return from_dict(
        {
            "apiVersion": "stable.example.com/v1",
            "kind": "CronTab",
            "metadata": {"name": name, "namespace": "default", **metadata},
            "spec": {"cron": "0 3 * * *"},
        }
    )


async def test_a_new_crd_accepts_its_names_and_is_established() -> None:
    async with Cluster(seed=1, controllers=(), scheduler=False) as cluster:
        await cluster.apply([copy.deepcopy(GOOD)])
        crd = await cluster.client.get(CustomResourceDefinition, NAME)
    assert dict(crd.status["acceptedNames"]) == {
        "plural": "crontabs",
        "singular": "crontab",
        "shortNames": ("ct",),
        "kind": "CronTab",
        "listKind": "CronTabList",
    }
    assert conditions(crd) == [
        ("NamesAccepted", "True", "NoConflicts", "no conflicts found"),
        ("Established", "True", "InitialNamesAccepted", "the initial names have been accepted"),
    ]
    assert crd.status["storedVersions"] == ("v1",)


async def test_a_crd_whose_kind_another_crd_holds_is_not_established_nor_served() -> None:
    other = copy.deepcopy(GOOD)
    other["metadata"]["name"] = "crontables.stable.example.com"
    other["spec"]["names"] = {"plural": "crontables", "kind": "CronTab"}
    async with Cluster(seed=1, controllers=(), scheduler=False) as cluster:
        await cluster.apply([copy.deepcopy(GOOD)])
        await cluster.apply([other])
        refused = await cluster.client.get(CustomResourceDefinition, other["metadata"]["name"])
        info = lookup_kind("stable.example.com/v1", "CronTab")
    assert conditions(refused) == [
        ("NamesAccepted", "False", "ListKindConflict", '"CronTabList" is already in use'),
        ("Established", "False", "NotAccepted", "not all names are accepted"),
    ]
    # Its singular, kind and listKind are taken: only its plural is accepted.
    assert dict(refused.status["acceptedNames"]) == {"plural": "crontables"}
    assert info is not None
    assert info.plural == "crontabs", "the first CRD keeps its kind"


async def test_deleting_a_crd_deletes_its_objects_then_it_goes() -> None:
    async with Cluster(seed=1, clock="virtual", controllers=(), scheduler=False) as cluster:
        await cluster.apply([copy.deepcopy(GOOD)])
        await cluster.client.create(crontab())
        marked = await cluster.client.delete(CustomResourceDefinition, NAME)
        assert marked is not None
        assert marked.metadata.finalizers == ("customresourcecleanup.apiextensions.k8s.io",)
        assert conditions(marked)[-1] == (
            "Terminating",
            "True",
            "InstanceDeletionPending",
            "CustomResourceDefinition marked for deletion; CustomResource deletion will begin soon",
        )
        await cluster.settle()
        with pytest.raises(NotFound):
            await cluster.client.get(CustomResourceDefinition, NAME)
        assert lookup_kind("stable.example.com/v1", "CronTab") is None


async def test_a_crd_waits_for_objects_that_finalizers_hold() -> None:
    async with Cluster(seed=1, clock="virtual", controllers=(), scheduler=False) as cluster:
        await cluster.apply([copy.deepcopy(GOOD)])
        held = await cluster.client.create(crontab(finalizers=["example.com/hold"]))
        await cluster.client.delete(CustomResourceDefinition, NAME)
        await cluster.settle()
        crd = await cluster.client.get(CustomResourceDefinition, NAME)
        assert conditions(crd)[-1][:3] == ("Terminating", "True", "InstanceDeletionInProgress")
        info = lookup_kind("stable.example.com/v1", "CronTab")
        assert info is not None, "served while its objects are being deleted"
        held = await cluster.client.get(info.cls, "nightly", namespace="default")
        assert held.metadata.deletion_timestamp is not None
        await cluster.client.update(
            attrs.evolve(held, metadata=attrs.evolve(held.metadata, finalizers=()))
        )
        await anyio.sleep(5)  # the cleanup looks again every 5 s
        await cluster.settle()
        assert await cluster.client.list(CustomResourceDefinition) == []
        assert lookup_kind("stable.example.com/v1", "CronTab") is None


async def test_deleting_every_crd_at_once_deletes_their_objects_first() -> None:
    async with Cluster(seed=1, clock="virtual", controllers=(), scheduler=False) as cluster:
        await cluster.apply([copy.deepcopy(GOOD)])
        await cluster.client.create(crontab())
        await cluster.client.delete_collection(CustomResourceDefinition)
        await cluster.settle()
        assert await cluster.client.list(CustomResourceDefinition) == []
        assert lookup_kind("stable.example.com/v1", "CronTab") is None


async def test_a_crd_whose_resource_a_python_kind_holds_is_not_established() -> None:
    held = copy.deepcopy(GOOD)
    held["metadata"]["name"] = "cruncherpools.apiserver.test"
    held["spec"]["group"] = "apiserver.test"
    held["spec"]["names"] = {"plural": "cruncherpools", "kind": "CruncherSet"}
    async with Cluster(seed=1, controllers=(), scheduler=False) as cluster:
        await cluster.apply([held])
        refused = await cluster.client.get(CustomResourceDefinition, held["metadata"]["name"])
    assert conditions(refused)[0] == (
        "NamesAccepted",
        "False",
        "ListKindConflict",
        '"CruncherSetList" is already in use',
    )
    info = lookup_kind("apiserver.test/v1", "CruncherSet")
    assert info is not None
    assert info.cls is CruncherSet, "the Python kind keeps its resource"
