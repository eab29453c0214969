"""The shipped strategies make what the apiserver takes, and their invalid variants what it
refuses, naming the field at fault."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kube_actors.api import Node, from_dict, load_manifests
from kube_actors.errors import AlreadyExists, Invalid
from kube_actors.testing import ClusterDriver
from kube_actors.testing import strategies as ks

EXAMPLES = settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)

VALID: dict[str, st.SearchStrategy[Any]] = {
    "pods": ks.pods(),
    "deployments": ks.deployments(),
    "replica_sets": ks.replica_sets(),
    "stateful_sets": ks.stateful_sets(),
    "daemon_sets": ks.daemon_sets(),
    "jobs": ks.jobs(),
    "services": ks.services(),
    "namespaces": ks.namespaces(),
    "nodes": ks.nodes(),
    "service_accounts": ks.service_accounts(),
    "priority_classes": ks.priority_classes(),
    "leases": ks.leases(),
}

INVALID: dict[str, st.SearchStrategy[Any]] = {
    "pods": ks.invalid_pods(),
    "deployments": ks.invalid_deployments(),
    "replica_sets": ks.invalid_replica_sets(),
    "stateful_sets": ks.invalid_stateful_sets(),
    "jobs": ks.invalid_jobs(),
    "services": ks.invalid_services(),
    "namespaces": ks.invalid_namespaces(),
    "nodes": ks.invalid_nodes(),
}


#: The apiserver alone: what validates and stores objects, nothing reconciling them.
CONTROL_PLANE = {"nodes": 0, "controllers": [], "scheduler": False}


@pytest.fixture(scope="module")
def control_plane() -> Iterator[ClusterDriver]:
    driver = ClusterDriver(CONTROL_PLANE)
    yield driver
    driver.close()


def _apply_fresh(source: Any, objects: list[Any]) -> list[Any]:
    """Apply to a control plane of its own (an apply of a name seen before would update
    it, which is another test); the objects as stored afterwards."""
    driver = ClusterDriver(CONTROL_PLANE)
    try:

        async def apply() -> list[Any]:
            await driver.cluster.apply(source)
            client = driver.cluster.client
            return [
                await client.get(type(o), o.metadata.name, namespace=o.metadata.namespace)
                for o in objects
            ]

        return driver.run(apply)
    finally:
        driver.close()


def _create(driver: ClusterDriver, obj: Any) -> Any:
    async def create() -> Any:
        try:
            return await driver.cluster.client.create(obj)
        except AlreadyExists:  # a name drawn again while shrinking: it was valid before
            return obj

    return driver.run(create)


@pytest.mark.parametrize("kind", sorted(VALID))
@EXAMPLES
@given(data=st.data())
def test_objects_are_valid_by_construction(
    control_plane: ClusterDriver, kind: str, data: st.DataObject
) -> None:
    obj = data.draw(VALID[kind])
    stored = _create(control_plane, obj)
    assert stored.metadata.name == obj.metadata.name


@pytest.mark.parametrize("kind", sorted(INVALID))
@EXAMPLES
@given(data=st.data())
def test_invalid_variants_are_refused_naming_the_field(
    control_plane: ClusterDriver, kind: str, data: st.DataObject
) -> None:
    variant = data.draw(INVALID[kind])
    with pytest.raises(Invalid) as refused:
        _create(control_plane, variant.obj)
    fields = [cause.field for cause in refused.value.causes]
    assert variant.field in fields, refused.value


def test_knobs_take_values_or_strategies() -> None:
    @settings(max_examples=10)
    @given(ks.deployments(replicas=st.integers(2, 3), namespace="team-a"))
    def check(deployment: Any) -> None:
        assert deployment.spec.replicas in (2, 3)
        assert deployment.metadata.namespace == "team-a"

    check()


@EXAMPLES
@given(text=ks.manifest_texts())
def test_manifest_texts_apply(text: str) -> None:
    objects = load_manifests(text)
    stored = _apply_fresh(text, objects)
    assert all(o.metadata.uid for o in stored)


@EXAMPLES
@given(manifest=ks.manifest_dicts())
def test_manifest_dicts_apply(manifest: dict[str, Any]) -> None:
    [stored] = _apply_fresh(manifest, [from_dict(manifest)])
    assert stored.metadata.uid


@settings(max_examples=5, deadline=None)
@given(configs=ks.node_sets(max_size=3))
def test_node_sets_start_as_nodes_with_their_capacity_labels_and_taints(configs: Any) -> None:
    driver = ClusterDriver({"nodes": configs, "controllers": []})
    try:

        async def registered() -> list[Node]:
            await driver.cluster.settle()
            return await driver.cluster.client.list(Node)

        nodes = {n.metadata.name: n for n in driver.run(registered)}
    finally:
        driver.close()
    assert sorted(nodes) == sorted(c.name for c in configs)
    for config in configs:
        node = nodes[config.name]
        assert node.status.capacity["cpu"] == config.capacity["cpu"]
        assert dict(config.labels).items() <= dict(node.metadata.labels).items()
        assert set(node.spec.taints) >= set(config.taints)


# Names of the strategies module that are not strategies: a type alias, the drawn type of the
# invalid variants, and the helper that lifts a value into a strategy (it needs an argument).
_NOT_STRATEGY_FACTORIES = {"Knob", "InvalidVariant", "as_strategy"}


@pytest.mark.parametrize(
    "name", sorted(set(ks.__all__) - _NOT_STRATEGY_FACTORIES), ids=lambda name: name
)
def test_every_public_strategy_is_a_function_returning_a_strategy(name: str) -> None:
    factory = getattr(ks, name)
    assert callable(factory), f"ks.{name} is not callable: call it as ks.{name}()"
    assert isinstance(factory(), st.SearchStrategy)


def test_as_strategy_passes_a_strategy_through() -> None:
    strategy = ks.dns_labels()
    assert ks.as_strategy(strategy) is strategy


@given(ks.as_strategy(3))
def test_as_strategy_lifts_a_value(value: int) -> None:
    assert value == 3
