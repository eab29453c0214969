"""The object walk the apiserver uses gives the same change sets (and managedFields) as the
wire-dict walk."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from hypothesis import example, given, settings
from hypothesis import strategies as st

from kube_actors.api import (
    Container,
    ContainerPort,
    Deployment,
    Lease,
    LeaseSpec,
    ManagedFieldsEntry,
    Node,
    NodeAddress,
    NodeCondition,
    NodeStatus,
    ObjectMeta,
    Pod,
    PodCondition,
    Service,
    evolve,
    record_update,
    shape_of,
    to_dict,
)
from kube_actors.api._fieldset import item_element, string_key_element
from kube_actors.api._typed import compare
from kube_actors.api._typed_objects import (
    SERVER_METADATA,
    _item_element,
    _key_values,
    compare_objects,
)
from kube_actors.kubelet._config import NodeConfig
from kube_actors.kubelet._node import desired_node, node_status

from .strategies import deployments, pods, services


def _wire(obj: Any) -> dict[str, Any]:
    """The wire form without what the object walk leaves out: the server's fields."""
    data = to_dict(obj)
    data.pop("apiVersion")
    data.pop("kind")
    meta = data.get("metadata", {})
    for key in SERVER_METADATA:
        meta.pop(key, None)
    return data


@settings(max_examples=15, deadline=None)
@given(old=pods, new=pods)
def test_pods_compare_alike(old: Pod, new: Pod) -> None:
    # Share the spec now and then, as an update does.
    shape = shape_of(Pod)
    for candidate in (new, evolve(new, spec=old.spec)):
        assert compare_objects(old, candidate, shape) == compare(
            _wire(old), _wire(candidate), shape
        )
    assert compare_objects(None, new, shape) == compare({}, _wire(new), shape)


@settings(max_examples=15, deadline=None)
@given(old=deployments, new=deployments, replicas=st.integers(0, 5))
def test_deployments_compare_alike(old: Deployment, new: Deployment, replicas: int) -> None:
    shape = shape_of(Deployment)
    scaled = evolve(old, spec=evolve(old.spec, replicas=replicas))
    for candidate in (new, scaled):
        assert compare_objects(old, candidate, shape) == compare(
            _wire(old), _wire(candidate), shape
        )
    assert compare_objects(None, new, shape) == compare({}, _wire(new), shape)


@settings(max_examples=15, deadline=None)
@given(service=services)
def test_services_created_alike(service: Service) -> None:
    shape = shape_of(Service)
    assert compare_objects(None, service, shape) == compare({}, _wire(service), shape)


def test_node_statuses_compare_alike() -> None:
    """A kubelet's first status report and later ones (keyed lists of flat structs, whose
    sets are shared by their items' keys and fields), some items empty, reordered or gone."""
    shape = shape_of(Node)
    config = NodeConfig(name="node-1")
    node = desired_node(config, "10.0.0.1")
    start = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    first = node_status(config, "10.0.0.1", start, None)
    later = node_status(config, "10.0.0.1", start + dt.timedelta(seconds=10), first)
    odd = NodeStatus(
        conditions=(NodeCondition(type="Ready"), *reversed(first.conditions[:2])),
        addresses=(NodeAddress(type="Hostname"), NodeAddress(type="InternalIP", address="x")),
    )
    statuses = (NodeStatus(), first, later, odd, evolve(first, conditions=()))
    for before in statuses:
        for after in statuses:
            old, new = evolve(node, status=before), evolve(node, status=after)
            assert compare_objects(old, new, shape) == compare(_wire(old), _wire(new), shape)
        assert compare_objects(None, evolve(node, status=before), shape) == compare(
            {}, _wire(evolve(node, status=before)), shape
        )


_times = st.none() | st.datetimes(
    timezones=st.sampled_from([dt.UTC, dt.timezone(dt.timedelta(hours=-5))])
)


@settings(max_examples=30, deadline=None)
@given(before=_times, after=_times)
def test_times_compare_alike(before: dt.datetime | None, after: dt.datetime | None) -> None:
    # A Lease renewal changes only its renewTime: the walk compares times without writing them.
    old = Lease(metadata=ObjectMeta(name="node-1"), spec=LeaseSpec(renew_time=before))
    new = evolve(old, spec=evolve(old.spec, renew_time=after))
    shape = shape_of(Lease)
    assert compare_objects(old, new, shape) == compare(_wire(old), _wire(new), shape)


_LEASE_FIELDS = ("holderIdentity", "leaseDurationSeconds", "renewTime", "leaseTransitions")
_managers = st.sampled_from(["kubelet", "controller", "kubectl", "someone-else"])


@settings(max_examples=60, deadline=None)
@given(
    owners=st.dictionaries(
        _managers,
        st.sets(st.sampled_from(_LEASE_FIELDS), max_size=3),
        min_size=1,
        max_size=4,
    ),
    manager=_managers,
    changed=st.sets(st.sampled_from(_LEASE_FIELDS), max_size=3),
)
@example(  # the first manager renews its own field: its entry moves to the end
    owners={"controller": {"holderIdentity"}, "kubelet": {"renewTime"}},
    manager="controller",
    changed={"holderIdentity"},
)
def test_a_lease_update_records_the_same_managed_fields_by_either_walk(
    owners: dict[str, set[str]], manager: str, changed: set[str]
) -> None:
    """The object walk's shortcut for a manager rewriting only its own fields (every Lease
    renewal) gives exactly the entries of the whole computation over wire dicts, whoever
    owns what and whatever the update changes."""
    start = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    old = Lease(
        metadata=ObjectMeta(name="node-1", namespace="kube-node-lease"),
        spec=LeaseSpec(holder_identity="node-1", lease_duration_seconds=40, renew_time=start),
    )
    values: dict[str, Any] = {
        "holderIdentity": ("holder_identity", "node-2"),
        "leaseDurationSeconds": ("lease_duration_seconds", 15),
        "renewTime": ("renew_time", start + dt.timedelta(seconds=10)),
        "leaseTransitions": ("lease_transitions", 1),
    }
    new = evolve(old, spec=evolve(old.spec, **dict(values[f] for f in changed)))
    entries = [
        ManagedFieldsEntry(
            manager=who,
            operation="Update",
            api_version="coordination.k8s.io/v1",
            time=start + dt.timedelta(seconds=i),
            fields_type="FieldsV1",
            fields_v1={"f:spec": {"f:" + f: {} for f in sorted(fields)}} if fields else {},
        )
        for i, (who, fields) in enumerate(sorted(owners.items()))
    ]
    shape = shape_of(Lease)
    now = start + dt.timedelta(minutes=5)
    options: dict[str, Any] = {
        "manager": manager,
        "api_version": "coordination.k8s.io/v1",
        "now": now,
    }
    by_objects = record_update(old, new, shape, entries, **options)
    by_wire = record_update(to_dict(old), to_dict(new), shape, entries, **options)
    assert by_objects == by_wire


_keyed_items = st.one_of(
    st.builds(PodCondition, type=st.text(max_size=8), status=st.sampled_from(["True", ""])),
    st.builds(Container, name=st.text(max_size=8), image=st.just("pause")),
    st.builds(
        ContainerPort,
        container_port=st.integers(0, 70000),
        protocol=st.sampled_from(["", "TCP", "UDP"]),
    ),
)
_item_lists = {
    PodCondition: ("status", "conditions"),
    Container: ("spec", "containers"),
    ContainerPort: ("spec", "containers", "ports"),
}


@settings(max_examples=200, deadline=None)
@given(item=_keyed_items)
@example(item=PodCondition(type='a"b\\ü'))
@example(item=PodCondition(type=""))
def test_a_list_item_gets_the_same_path_element_by_its_one_string_key_as_by_the_general_path(
    item: Any,
) -> None:
    shape = shape_of(Pod)
    for step in _item_lists[type(item)]:
        shape = shape.child(step)
        if step == "containers" and type(item) is ContainerPort:
            assert shape.element is not None
            shape = shape.element
    keys, defaults = shape.field.list_map_keys, shape.field.key_defaults
    assert keys
    for _ in range(2):  # the second time from the memo
        assert _item_element(item, keys, defaults) == item_element(
            keys, _key_values(item, keys, defaults)
        )


@settings(max_examples=200, deadline=None)
@given(key=st.text(max_size=8), value=st.text(max_size=12))
@example(key="uid", value='a"b\\c\u00e9\n\U0001f600')
def test_string_elements_are_written_as_json_dumps_writes_them(key: str, value: str) -> None:
    # A set item that is a string, and an item keyed by one string field, are written
    # without json.dumps (a Node's podCIDRs, a Lease's owner reference): the same text.
    dumped = json.dumps(value, separators=(",", ":"), sort_keys=True)
    assert item_element((), value) == "v:" + dumped
    assert item_element(("name",), value) == "v:" + dumped
    written = json.dumps({key: value}, separators=(",", ":"), sort_keys=True)
    assert string_key_element(key, value) == "k:" + written == item_element((key,), {key: value})
