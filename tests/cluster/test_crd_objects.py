"""CustomResourceDefinitions are stored, and refused as Kubernetes refuses them (#17, part)."""

from __future__ import annotations

import copy

import pytest

from kube_actors import Cluster
from kube_actors.api import CustomResourceDefinition
from kube_actors.errors import Invalid
from tests.api.test_crd_validation import GOOD


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
