from __future__ import annotations

from typing import Any

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from kube_actors import Cluster
from kube_actors.api import (
    ConfigMap,
    Event,
    Ingress,
    LimitRange,
    Namespace,
    Node,
    ObjectMeta,
    PersistentVolumeClaim,
    Pod,
    PriorityClass,
    ResourceQuota,
    Toleration,
    kind_info,
)
from kube_actors.apiserver._admission import (
    DEFAULT_PLUGINS,
    IDLE_WITHOUT,
    AdmissionPlugin,
    default_toleration_seconds,
    default_tolerations,
    for_creates_of,
    namespace_lifecycle,
    priority,
    service_account,
)
from kube_actors.apiserver._limit_ranger import limit_ranger
from kube_actors.apiserver._quota_admission import resource_quota
from kube_actors.errors import Forbidden
from kube_actors.testing import pod

from ._objects import NoLookups


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


async def test_a_change_of_the_global_default_priority_class_applies_to_the_next_pod() -> None:
    """The apiserver keeps the default class it found until a PriorityClass changes: each
    change shows in the very next create."""

    def priority_of(created: Pod) -> tuple[int | None, str, str | None]:
        spec = created.spec
        return spec.priority, spec.priority_class_name, spec.preemption_policy

    async with Cluster(controllers=(), scheduler=False) as cluster:
        client = cluster.client
        assert priority_of(await client.create(pod("a"))) == (0, "", "PreemptLowerPriority")
        normal = await client.create(
            PriorityClass(metadata=ObjectMeta(name="normal"), value=50, global_default=True)
        )
        assert priority_of(await client.create(pod("b"))) == (50, "normal", "PreemptLowerPriority")
        # A class that is not the default changes nothing; one with a lower value that is
        # becomes it (Kubernetes allows one default: of several, the lowest value wins).
        await client.create(PriorityClass(metadata=ObjectMeta(name="other"), value=5))
        assert priority_of(await client.create(pod("c"))) == (50, "normal", "PreemptLowerPriority")
        await client.create(
            PriorityClass(
                metadata=ObjectMeta(name="low"),
                value=10,
                global_default=True,
                preemption_policy="Never",
            )
        )
        assert priority_of(await client.create(pod("d"))) == (10, "low", "Never")
        await client.delete(PriorityClass, "low")
        assert priority_of(await client.create(pod("e"))) == (50, "normal", "PreemptLowerPriority")
        normal = await client.update(attrs.evolve(normal, global_default=False))
        assert priority_of(await client.create(pod("f"))) == (0, "", "PreemptLowerPriority")
        await client.update(attrs.evolve(normal, global_default=True))
        assert priority_of(await client.create(pod("g"))) == (50, "normal", "PreemptLowerPriority")


async def test_a_pod_without_a_service_account_runs_as_default() -> None:
    async with Cluster(controllers=(), scheduler=False) as cluster:
        created = await cluster.client.create(pod("web"))
        assert created.spec.service_account_name == "default"


_CREATED = [
    Event(metadata=ObjectMeta(name="e", namespace="default")),
    Pod(metadata=ObjectMeta(name="web", namespace="default")),
    PersistentVolumeClaim(metadata=ObjectMeta(name="data", namespace="default")),
    Ingress(metadata=ObjectMeta(name="site", namespace="default")),
    ConfigMap(metadata=ObjectMeta(name="settings", namespace="default")),
    Namespace(metadata=ObjectMeta(name="team")),
    Node(metadata=ObjectMeta(name="node-1")),
]


@given(obj=st.sampled_from(_CREATED), plugin=st.sampled_from(DEFAULT_PLUGINS))
def test_a_create_skips_only_the_default_plugins_that_give_it_back_as_it_came(
    obj: Any, plugin: AdmissionPlugin
) -> None:
    """What ``for_creates_of`` rests on: a default plugin it leaves out of a kind's chain
    gives a create of that kind back as it came, looking nothing up."""
    if plugin in for_creates_of(DEFAULT_PLUGINS, type(obj)):
        return
    assert plugin("CREATE", kind_info(type(obj)), obj, None, NoLookups()) is obj


class _NothingOf(NoLookups):
    """A lookup with no object of any kind in any namespace, which records what is asked
    of it."""

    def __init__(self) -> None:
        self.asked: list[tuple[type[Any], str]] = []

    def in_namespace(self, kind: type[Any], namespace: str) -> Any:
        self.asked.append((kind, namespace))
        return iter(())


@given(obj=st.sampled_from(_CREATED), plugin=st.sampled_from(list(IDLE_WITHOUT)))
def test_with_no_object_of_its_resource_a_plugin_gives_every_create_back_as_it_came(
    obj: Any, plugin: AdmissionPlugin
) -> None:
    """What ``IDLE_WITHOUT`` rests on: LimitRanger and ResourceQuota look up only the
    LimitRanges and quotas of the created object's namespace, and with none they refuse
    nothing and change nothing."""
    lookup = _NothingOf()
    assert plugin("CREATE", kind_info(type(obj)), obj, None, lookup) is obj
    kind = {("core", "limitranges"): LimitRange, ("core", "resourcequotas"): ResourceQuota}
    assert set(lookup.asked) <= {(kind[IDLE_WITHOUT[plugin]], obj.metadata.namespace)}


def test_an_event_create_passes_namespace_lifecycle_and_quota_alone_a_pod_all_of_its_own() -> None:
    assert for_creates_of(DEFAULT_PLUGINS, Event) == (namespace_lifecycle, resource_quota)
    assert for_creates_of(DEFAULT_PLUGINS, Pod) == (
        namespace_lifecycle,
        limit_ranger,
        service_account,
        priority,
        default_toleration_seconds,
        resource_quota,
    )
    tolerations = default_tolerations(60)  # a plugin of its own: kept for every kind
    assert for_creates_of((tolerations, *DEFAULT_PLUGINS), Event) == (
        tolerations,
        namespace_lifecycle,
        resource_quota,
    )
