"""The garbage collector sees the kinds CustomResourceDefinitions serve at run time: owner
references to and from custom objects are collected like any other (#17)."""

from __future__ import annotations

import copy
from collections.abc import Iterator
from typing import Any

import anyio
import pytest

from kube_actors.api import (
    ConfigMap,
    CustomResourceDefinition,
    ObjectMeta,
    from_dict,
    lookup_kind,
)
from kube_actors.cluster import Cluster
from kube_actors.testing import capture_cluster_logs
from tests.api.test_crd_validation import GOOD
from tests.crd_kinds import stop_serving

from ._gc_objects import gone, ref


@pytest.fixture(autouse=True)
def _stop_serving_crontabs() -> Iterator[None]:
    yield
    stop_serving("stable.example.com/v1", "CronTab")


def _gc() -> Cluster:
    return Cluster(scheduler=False, controllers=["garbagecollector"], seed=7, clock="virtual")


def crontab(name: str, **metadata: Any) -> Any:
    return from_dict(
        {
            "apiVersion": "stable.example.com/v1",
            "kind": "CronTab",
            "metadata": {"name": name, "namespace": "default", **metadata},
            "spec": {"cron": "0 3 * * *"},
        }
    )


async def test_deleting_a_custom_object_collects_what_it_owns() -> None:
    async with _gc() as cluster:
        await cluster.apply([copy.deepcopy(GOOD)])  # served after the collector started
        owner = await cluster.client.create(crontab("nightly"))
        await cluster.client.create(
            ConfigMap(
                metadata=ObjectMeta(
                    name="nightly-config", namespace="default", owner_references=(ref(owner),)
                )
            )
        )
        await cluster.settle()
        await cluster.client.delete(type(owner), "nightly", namespace="default")
        await cluster.settle()
        assert await gone(cluster, ConfigMap, "nightly-config")


async def test_a_custom_object_whose_owner_goes_is_collected() -> None:
    async with _gc() as cluster:
        await cluster.apply([copy.deepcopy(GOOD)])
        owner = await cluster.client.create(
            ConfigMap(metadata=ObjectMeta(name="schedule", namespace="default"))
        )
        dependent = await cluster.client.create(
            crontab(
                "nightly",
                ownerReferences=[
                    {
                        "apiVersion": "v1",
                        "kind": "ConfigMap",
                        "name": "schedule",
                        "uid": owner.metadata.uid,
                    }
                ],
            )
        )
        bystander = await cluster.client.create(crontab("weekly"))
        await cluster.settle()
        await cluster.client.delete(ConfigMap, "schedule", namespace="default")
        await cluster.settle()
        assert await gone(cluster, type(dependent), "nightly")
        assert not await gone(cluster, type(bystander), "weekly")


async def test_the_collector_lets_go_of_a_deleted_crds_kind() -> None:
    with capture_cluster_logs() as logs:
        async with _gc() as cluster:
            await cluster.apply([copy.deepcopy(GOOD)])
            await cluster.client.create(crontab("nightly"))
            await cluster.settle()
            await cluster.client.delete(CustomResourceDefinition, "crontabs.stable.example.com")
            await cluster.settle()
            await anyio.sleep(60)  # an informer still watching would fail and retry by now
            await cluster.settle()
            assert lookup_kind("stable.example.com/v1", "CronTab") is None
    assert [e["kinds"] for e in logs.find("kinds_discovered")] == [["CronTab"]]
    assert logs.find("informer_list_watch_failed") == [], "nothing watches a kind not served"
