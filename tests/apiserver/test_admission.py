from __future__ import annotations

from typing import Any

import attrs
import pytest

from kube_actors import Cluster
from kube_actors.api import ObjectMeta, Pod, PriorityClass, Toleration
from kube_actors.errors import Forbidden
from kube_actors.testing import pod


def _with_spec(p: Pod, **changes: Any) -> Pod:
    return attrs.evolve(p, spec=attrs.evolve(p.spec, **changes))


async def test_a_pod_tolerates_unready_and_unreachable_nodes_for_300_seconds() -> None:
    async with Cluster(controllers=(), scheduler=False) as cluster:
        created = await cluster.client.create(pod("web"))
        assert {(t.key, t.effect, t.toleration_seconds) for t in created.spec.tolerations} == {
            ("node.kubernetes.io/not-ready", "NoExecute", 300),
            ("node.kubernetes.io/unreachable", "NoExecute", 300),
        }


async def test_a_pods_own_toleration_is_kept_instead_of_the_default() -> None:
    async with Cluster(controllers=(), scheduler=False) as cluster:
        own = Toleration(
            key="node.kubernetes.io/unreachable",
            operator="Exists",
            effect="NoExecute",
            toleration_seconds=5,
        )
        created = await cluster.client.create(_with_spec(pod("web"), tolerations=[own]))
        unreachable = [
            t for t in created.spec.tolerations if t.key == "node.kubernetes.io/unreachable"
        ]
        assert unreachable == [own]


async def test_a_priority_class_name_becomes_the_pods_priority() -> None:
    async with Cluster(controllers=(), scheduler=False) as cluster:
        await cluster.client.create(
            PriorityClass(metadata=ObjectMeta(name="batch-high"), value=1000)
        )
        high = await cluster.client.create(_with_spec(pod("a"), priority_class_name="batch-high"))
        critical = await cluster.client.create(
            _with_spec(pod("b"), priority_class_name="system-cluster-critical")
        )
        plain = await cluster.client.create(pod("c"))
        assert (high.spec.priority, critical.spec.priority, plain.spec.priority) == (
            1000,
            2_000_000_000,
            0,
        )
        with pytest.raises(Forbidden, match="no PriorityClass with name nope was found"):
            await cluster.client.create(_with_spec(pod("d"), priority_class_name="nope"))


async def test_the_global_default_priority_class_applies_to_pods_without_one() -> None:
    async with Cluster(controllers=(), scheduler=False) as cluster:
        await cluster.client.create(
            PriorityClass(metadata=ObjectMeta(name="normal"), value=50, global_default=True)
        )
        created = await cluster.client.create(pod("web"))
        assert (created.spec.priority, created.spec.priority_class_name) == (50, "normal")


async def test_a_pod_without_a_service_account_runs_as_default() -> None:
    async with Cluster(controllers=(), scheduler=False) as cluster:
        created = await cluster.client.create(pod("web"))
        assert created.spec.service_account_name == "default"
