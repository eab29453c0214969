"""The EndpointSlice and mirroring controllers: a Service's endpoints in slices of 100."""

from __future__ import annotations

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kube_actors import Cluster
from kube_actors.api import (
    Endpoint,
    EndpointAddress,
    EndpointConditions,
    EndpointPort,
    Endpoints,
    EndpointSlice,
    EndpointSlicePort,
    EndpointSubset,
    ObjectMeta,
    ObjectReference,
    Pod,
    Service,
)
from kube_actors.client import Client
from kube_actors.controllers._slice_packing import plan_slices
from kube_actors.errors import Invalid

from .test_endpoints import pod, running, service

MANAGED_BY = "endpointslice.kubernetes.io/managed-by"


def _cluster() -> Cluster:
    return Cluster(
        controllers=("endpointslice", "endpointslicemirroring", "garbagecollector"),
        scheduler=False,
    )


async def slices_of(cluster: Cluster, service_name: str = "web") -> list[EndpointSlice]:
    await cluster.settle()
    found = await cluster.client.list(
        EndpointSlice,
        namespace="default",
        label_selector={"kubernetes.io/service-name": service_name},
    )
    return sorted(found, key=lambda s: s.metadata.name)


def addresses(slices: list[EndpointSlice]) -> list[str]:
    return sorted(a for s in slices for e in s.endpoints for a in e.addresses)


async def test_a_service_gets_a_slice_of_the_pods_it_selects_owned_and_labelled() -> None:
    async with _cluster() as cluster:
        client = cluster.client
        web = await client.create(service())
        a = await running(client, pod("a"), "127.64.0.2")
        await running(client, pod("b"), "127.64.0.3", ready=False)
        await running(client, pod("other", app="db"), "127.64.0.4")
        (only,) = await slices_of(cluster)
        assert only.metadata.name.startswith("web-")
        assert only.metadata.labels == {
            "team": "a",
            "kubernetes.io/service-name": "web",
            MANAGED_BY: "endpointslice-controller.k8s.io",
        }
        (owner,) = only.metadata.owner_references
        assert (owner.kind, owner.name, owner.uid, owner.controller) == (
            "Service",
            "web",
            web.metadata.uid,
            True,
        )
        assert only.address_type == "IPv4"
        assert only.ports == (EndpointSlicePort(name="", port=8080, protocol="TCP"),)
        by_ip = {e.addresses[0]: e for e in only.endpoints}
        assert by_ip["127.64.0.2"] == Endpoint(
            addresses=("127.64.0.2",),
            conditions=EndpointConditions(ready=True, serving=True, terminating=False),
            target_ref=ObjectReference(
                kind="Pod", namespace="default", name="a", uid=a.metadata.uid
            ),
            node_name="node-1",
        )
        assert by_ip["127.64.0.3"].conditions == EndpointConditions(
            ready=False, serving=False, terminating=False
        )
        assert sorted(by_ip) == ["127.64.0.2", "127.64.0.3"]


async def test_a_service_without_endpoints_keeps_one_empty_placeholder_slice() -> None:
    async with _cluster() as cluster:
        client = cluster.client
        await client.create(service())
        (placeholder,) = await slices_of(cluster)
        assert (placeholder.endpoints, placeholder.ports) == ((), ())
        await running(client, pod("a"), "127.64.0.2")
        (filled,) = await slices_of(cluster)
        assert addresses([filled]) == ["127.64.0.2"]
        await client.delete(Pod, "a", namespace="default", grace_period_seconds=0)
        (again,) = await slices_of(cluster)
        assert (again.endpoints, again.ports) == ((), ())


async def test_a_terminating_pod_stays_serving_but_not_ready() -> None:
    async with _cluster() as cluster:
        client = cluster.client
        await client.create(service())
        await running(client, pod("a"), "127.64.0.2")
        await client.delete(Pod, "a", namespace="default")  # graceful: still there
        (only,) = await slices_of(cluster)
        (endpoint,) = only.endpoints
        assert endpoint.conditions == EndpointConditions(
            ready=False, serving=True, terminating=True
        )


async def test_250_pods_fill_three_slices_and_one_change_rewrites_one_slice() -> None:
    async with _cluster() as cluster:
        client = cluster.client
        await client.create(service())
        for i in range(250):
            await running(client, pod(f"p{i}"), f"127.64.{i // 200}.{i % 200 + 2}")
        slices = await slices_of(cluster)
        assert sorted(len(s.endpoints) for s in slices) == [50, 100, 100]
        assert len(addresses(slices)) == 250
        versions = {s.metadata.name: s.metadata.resource_version for s in slices}
        await client.delete(Pod, "p7", namespace="default", grace_period_seconds=0)
        after = await slices_of(cluster)
        changed = [
            s.metadata.name
            for s in after
            if versions[s.metadata.name] != s.metadata.resource_version
        ]
        assert len(changed) == 1
        assert len(addresses(after)) == 249


async def test_deleting_a_managed_slice_brings_it_back_and_the_service_takes_its_slices() -> None:
    async with _cluster() as cluster:
        client = cluster.client
        await client.create(service())
        await running(client, pod("a"), "127.64.0.2")
        (first,) = await slices_of(cluster)
        await client.delete(EndpointSlice, first.metadata.name, namespace="default")
        (second,) = await slices_of(cluster)
        assert second.metadata.name != first.metadata.name
        assert addresses([second]) == ["127.64.0.2"]
        await client.delete(Service, "web", namespace="default")
        assert await slices_of(cluster) == []


def _manual(name: str = "external", *, labels: dict[str, str] | None = None) -> Endpoints:
    return Endpoints(
        metadata=ObjectMeta(name=name, namespace="default", labels=labels or {}),
        subsets=[
            EndpointSubset(
                addresses=[EndpointAddress(ip="127.0.0.1")],
                not_ready_addresses=[EndpointAddress(ip="127.0.0.2")],
                ports=[EndpointPort(name="pg", port=5432)],
            )
        ],
    )


async def test_hand_written_endpoints_of_a_selectorless_service_are_mirrored() -> None:
    async with _cluster() as cluster:
        client = cluster.client
        await client.create(service("external", selector={}))
        manual = await client.create(_manual(labels={"db": "yes"}))
        (mirror,) = await slices_of(cluster, "external")
        assert mirror.metadata.labels == {
            "db": "yes",
            "kubernetes.io/service-name": "external",
            MANAGED_BY: "endpointslicemirroring-controller.k8s.io",
        }
        (owner,) = mirror.metadata.owner_references
        assert (owner.kind, owner.uid) == ("Endpoints", manual.metadata.uid)
        assert mirror.ports == (EndpointSlicePort(name="pg", port=5432, protocol="TCP"),)
        ready = {e.addresses[0]: e.conditions.ready for e in mirror.endpoints}
        assert ready == {"127.0.0.1": True, "127.0.0.2": False}
        # The Service gains a selector: its Endpoints are no longer mirrored.
        current = await client.get(Service, "external", namespace="default")
        await client.update(
            attrs.evolve(current, spec=attrs.evolve(current.spec, selector={"app": "x"}))
        )
        remaining = await slices_of(cluster, "external")
        assert [s.metadata.labels[MANAGED_BY] for s in remaining] == [
            "endpointslice-controller.k8s.io"
        ]


async def test_skip_mirror_endpoints_and_endpoints_without_a_service_are_not_mirrored() -> None:
    async with _cluster() as cluster:
        client = cluster.client
        await client.create(service("external", selector={}))
        await client.create(_manual(labels={"endpointslice.kubernetes.io/skip-mirror": "true"}))
        await client.create(_manual("lonely"))
        assert await slices_of(cluster, "external") == []
        assert await slices_of(cluster, "lonely") == []


async def test_slices_are_validated_with_kubernetes_messages() -> None:
    async with Cluster(controllers=(), scheduler=False) as cluster:
        client: Client = cluster.client
        bad = EndpointSlice(
            metadata=ObjectMeta(name="bad", namespace="default"),
            address_type="IPv5",
        )
        with pytest.raises(Invalid) as caught:
            await client.create(bad)
        assert 'addressType: Unsupported value: "IPv5"' in str(caught.value)
        wrong = EndpointSlice(
            metadata=ObjectMeta(name="bad", namespace="default"),
            address_type="IPv4",
            endpoints=[Endpoint(addresses=["::1"]), Endpoint()],
        )
        with pytest.raises(Invalid) as caught:
            await client.create(wrong)
        text = str(caught.value)
        assert (
            'endpoints[0].addresses[0]: Invalid value: "::1": must be a valid IPv4 address' in text
        )
        assert "endpoints[1].addresses: Required value: must contain at least 1 address" in text
        good = await client.create(
            attrs.evolve(wrong, endpoints=[Endpoint(addresses=["10.0.0.1"])])
        )
        assert good.ports == ()
        with pytest.raises(Invalid) as caught:
            await client.update(attrs.evolve(good, address_type="IPv6", endpoints=()))
        assert 'addressType: Invalid value: "IPv6": field is immutable' in str(caught.value)
        assert (await client.get(EndpointSlice, "bad", namespace="default")).address_type == "IPv4"


def _endpoint(ip: str, ready: bool = True) -> Endpoint:
    return Endpoint(addresses=(ip,), conditions=EndpointConditions(ready=ready))


@settings(max_examples=60, deadline=None)
@given(
    before=st.lists(st.sets(st.integers(0, 60), max_size=10), max_size=6),
    after=st.sets(st.integers(0, 60)),
    flips=st.sets(st.integers(0, 60)),
)
def test_a_plan_holds_exactly_what_is_desired_in_slices_of_at_most_the_limit(
    before: list[set[int]], after: set[int], flips: set[int]
) -> None:
    seen: set[int] = set()
    existing = []
    for i, members in enumerate(before):
        members = members - seen  # an endpoint is in one slice
        seen |= members
        existing.append(
            EndpointSlice(
                metadata=ObjectMeta(name=f"s{i}", namespace="default"),
                address_type="IPv4",
                endpoints=[_endpoint(f"10.0.0.{m}") for m in sorted(members)],
            )
        )
    desired = {f"10.0.0.{m}": _endpoint(f"10.0.0.{m}", m not in flips) for m in after}
    plan = plan_slices(existing, desired, max_per_slice=10)
    result = {s.metadata.name: s.endpoints for s in existing if s.metadata.name not in plan.delete}
    result.update(plan.update)
    held = [e for endpoints in result.values() for e in endpoints]
    held += [e for endpoints in plan.create for e in endpoints]
    assert sorted(held, key=lambda e: e.addresses) == sorted(
        desired.values(), key=lambda e: e.addresses
    )
    assert all(len(endpoints) <= 10 for endpoints in plan.update.values())
    assert all(0 < len(endpoints) <= 10 for endpoints in plan.create)
    # A slice whose endpoints are all still wanted as they are keeps them in place: it is
    # left alone, or only topped up with new ones.
    for s in existing:
        if s.endpoints and all(desired.get(e.addresses[0]) == e for e in s.endpoints):
            assert s.metadata.name not in plan.delete
            kept = plan.update.get(s.metadata.name, s.endpoints)
            assert kept[: len(s.endpoints)] == s.endpoints
