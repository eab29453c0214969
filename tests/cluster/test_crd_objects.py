"""CustomResourceDefinitions are stored, and refused as Kubernetes refuses them (#17, part)."""

from __future__ import annotations

import copy
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import attrs
import pytest

from kube_actors import Cluster
from kube_actors.api import CustomResourceDefinition, Namespace, lookup_kind, to_dict
from kube_actors.api._registry import forget_kind
from kube_actors.errors import BadRequest, Invalid
from tests.api.test_crd_validation import GOOD
from tests.crd_kinds import stop_serving


@pytest.fixture(autouse=True)
def _stop_serving_crontabs() -> Iterator[None]:
    yield
    stop_serving("stable.example.com/v1", "CronTab")


async def test_a_crd_is_applied_and_read_back() -> None:
    async with Cluster(seed=1) as cluster:
        await cluster.apply([copy.deepcopy(GOOD)])
        stored = await cluster.client.get(CustomResourceDefinition, "crontabs.stable.example.com")
        assert stored.spec["names"]["kind"] == "CronTab"
        assert stored.spec["versions"][0]["storage"] is True


async def test_a_crd_without_a_storage_version_is_refused_with_422() -> None:
    bad = copy.deepcopy(GOOD)
    bad["spec"]["versions"][0]["storage"] = False
    async with Cluster(seed=1) as cluster:
        with pytest.raises(Invalid) as caught:
            await cluster.apply([bad])
        assert caught.value.code == 422
        assert [str(c) for c in caught.value.causes] == [
            "spec.versions: Invalid value: must have exactly one version marked as storage version"
        ]
        assert await cluster.client.list(CustomResourceDefinition) == []


CRONTAB = """\
apiVersion: stable.example.com/v1
kind: CronTab
metadata: {name: nightly, namespace: default}
spec: {cron: "0 3 * * *", bogus: 1}
"""


def _crd_with_default() -> dict[str, Any]:
    crd = copy.deepcopy(GOOD)
    props = crd["spec"]["versions"][0]["schema"]["openAPIV3Schema"]["properties"]["spec"]
    props["properties"]["replicas"] = {"type": "integer", "default": 1, "maximum": 3}
    return crd


async def test_applying_a_crd_serves_its_kind_with_defaults_pruning_and_validation(
    tmp_path: Path,
) -> None:
    store = f"sqlite:///{tmp_path / 'crd.db'}"
    async with Cluster(store=store, seed=1) as cluster:
        await cluster.apply([_crd_with_default()])
        await cluster.apply(CRONTAB)
        info = lookup_kind("stable.example.com/v1", "CronTab")
        assert info is not None
        stored = await cluster.client.get(info.cls, "nightly", namespace="default")
        assert dict(stored.spec) == {"cron": "0 3 * * *", "replicas": 1}
        with pytest.raises(Invalid) as caught:
            await cluster.apply(
                CRONTAB.replace("nightly", "big").replace("bogus: 1", "replicas: 9")
            )
        assert [c.field for c in caught.value.causes] == ["spec.replicas"]
    forget_kind(info.cls)  # as if the process had restarted
    async with Cluster(store=store, seed=1) as cluster:
        info = lookup_kind("stable.example.com/v1", "CronTab")
        assert info is not None, "a durable store serves its custom kinds again"
        [again] = await cluster.client.list(info.cls, namespace="default")
        assert again.metadata.name == "nightly"
        await cluster.client.delete(CustomResourceDefinition, "crontabs.stable.example.com")
        await cluster.settle()
        assert lookup_kind("stable.example.com/v1", "CronTab") is None


async def test_deleting_a_namespace_deletes_its_custom_objects() -> None:
    async with Cluster(seed=1, clock="virtual") as cluster:
        await cluster.apply([_crd_with_default()])
        await cluster.apply(
            "apiVersion: v1\nkind: Namespace\nmetadata: {name: team}\n---\n"
            + CRONTAB.replace("namespace: default", "namespace: team")
        )
        info = lookup_kind("stable.example.com/v1", "CronTab")
        assert info is not None
        assert len(await cluster.client.list(info.cls, namespace="team")) == 1
        await cluster.client.delete(Namespace, "team")
        await cluster.settle()
        assert await cluster.client.list(info.cls, namespace="team") == []
        assert await cluster.client.list(Namespace, field_selector="metadata.name=team") == []


def _crd_with_data() -> dict[str, Any]:
    crd = copy.deepcopy(GOOD)
    props = crd["spec"]["versions"][0]["schema"]["openAPIV3Schema"]["properties"]
    props["data"] = {"type": "object", "properties": {"retries": {"type": "integer", "default": 3}}}
    props["refreshInterval"] = {"type": "string"}
    return crd


async def test_top_level_fields_besides_spec_and_status_are_served_as_the_schema_says() -> None:
    async with Cluster(seed=1, controllers=(), scheduler=False) as cluster:
        await cluster.apply([_crd_with_data()])
        await cluster.apply(CRONTAB + "data: {unknown: 1}\nrefreshInterval: 5m\n")
        info = lookup_kind("stable.example.com/v1", "CronTab")
        assert info is not None
        stored = await cluster.client.get(info.cls, "nightly", namespace="default")
        assert (dict(stored.data), stored.refresh_interval) == ({"retries": 3}, "5m")
        manifest = to_dict(stored)
        assert (manifest["data"], manifest["refreshInterval"]) == ({"retries": 3}, "5m")
        changed = await cluster.client.update(attrs.evolve(stored, refresh_interval="1m"))
        assert changed.metadata.generation == 2, "a change of a top-level field is a new generation"
        with pytest.raises(Invalid) as caught:
            await cluster.client.update(attrs.evolve(changed, data={"retries": "many"}))
    assert [c.field for c in caught.value.causes] == ["data.retries"]


async def test_a_crds_kind_ends_with_the_cluster_that_served_it() -> None:
    # Kinds are registered process-wide; a CRD is one cluster's: the next cluster in the
    # process must not discover it, while a cluster that still runs keeps serving it.
    async with Cluster(seed=1) as first:
        await first.apply([copy.deepcopy(GOOD)])
        async with Cluster(seed=2) as second:
            await second.apply([copy.deepcopy(GOOD)])
        assert lookup_kind("stable.example.com/v1", "CronTab") is not None
        await first.apply(CRONTAB.replace("bogus: 1", "image: x"))
    assert lookup_kind("stable.example.com/v1", "CronTab") is None
    async with Cluster(seed=3) as third:
        with pytest.raises(BadRequest, match='no matches for kind "CronTab"'):
            await third.apply(CRONTAB)
