"""A create's managedFields, worked out by the apiserver's shortcut (the object's own fields,
its metadata's set shared by every object whose metadata has the same shape), are exactly
what the whole computation over wire dicts records."""

from __future__ import annotations

import datetime as dt
from typing import Any

import attrs
from hypothesis import given, settings
from hypothesis import strategies as st

from kube_actors.api import (
    Event,
    EventSource,
    Lease,
    LeaseSpec,
    Node,
    NodeSpec,
    ObjectMeta,
    ObjectReference,
    OwnerReference,
    Pod,
    Taint,
    evolve,
    record_update,
    shape_of,
    to_dict,
    wire_names,
)
from kube_actors.api._typed_objects import (
    METADATA_SET_BY,
    SERVER_METADATA,
    _created,
    _object_set,
)

from .strategies import dns_labels, labels, pods, timestamps

_NOW = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)

owner_references = st.lists(
    st.builds(
        OwnerReference,
        api_version=st.sampled_from(["", "apps/v1"]),
        kind=st.sampled_from(["", "ReplicaSet"]),
        name=dns_labels,
        uid=st.sampled_from(["", "u-1", "u-2", 'u"3\u00e9']),
        controller=st.none() | st.booleans(),
        block_owner_deletion=st.none() | st.booleans(),
    ),
    max_size=2,
    unique_by=lambda ref: ref.uid,
)

metas = st.builds(
    ObjectMeta,
    name=dns_labels,
    generate_name=st.sampled_from(["", "web-"]),
    namespace=st.sampled_from(["", "default"]),
    uid=st.sampled_from(["", "u-9"]),
    generation=st.integers(0, 3),
    creation_timestamp=st.none() | timestamps,
    deletion_timestamp=st.none() | timestamps,
    deletion_grace_period_seconds=st.none() | st.integers(0, 30),
    labels=labels,
    annotations=labels,
    owner_references=owner_references,
    finalizers=st.lists(dns_labels, max_size=2, unique=True),
)

events = st.builds(
    Event,
    metadata=metas,
    involved_object=st.builds(ObjectReference, kind=st.just("Pod"), name=dns_labels),
    reason=st.sampled_from(["", "Scheduled"]),
    message=st.text(max_size=5),
    source=st.none() | st.builds(EventSource, component=st.just("default-scheduler")),
    first_timestamp=st.none() | timestamps,
    count=st.integers(0, 2),
    type=st.sampled_from(["", "Normal"]),
)


def _both_ways(obj: Any, reset: tuple[str, ...]) -> tuple[Any, Any]:
    """The entries of ``obj``'s create by the object shortcut and by the wire dicts."""
    shape = shape_of(type(obj))
    options: dict[str, Any] = {"manager": "kubectl", "api_version": obj.api_version, "now": _NOW}
    by_objects = record_update(None, obj, shape, (), reset=reset, **options)
    by_wire = record_update({}, to_dict(obj), shape, (), reset=reset, **options)
    return by_objects, by_wire


@settings(max_examples=60, deadline=None)
@given(pod=pods, meta=metas)
def test_a_pod_create_records_what_the_whole_computation_records(
    pod: Pod, meta: ObjectMeta
) -> None:
    pod = evolve(pod, metadata=meta)
    for reset in (("status",), ()):
        by_objects, by_wire = _both_ways(pod, reset)
        assert by_objects == by_wire


@settings(max_examples=60, deadline=None)
@given(event=events)
def test_an_event_create_records_what_the_whole_computation_records(event: Event) -> None:
    by_objects, by_wire = _both_ways(event, ())
    assert by_objects == by_wire


@settings(max_examples=30, deadline=None)
@given(first=metas, second=metas)
def test_objects_of_one_metadata_shape_share_a_set_and_others_do_not(
    first: ObjectMeta, second: ObjectMeta
) -> None:
    # The shared metadata set is looked up by the metadata's shape: a second object (with
    # its own names, times, values) gets the set the wire dicts give it, not the first's.
    for meta in (first, second, evolve(second, name="other", uid="u-8")):
        by_objects, by_wire = _both_ways(Pod(metadata=meta), ("status",))
        assert by_objects == by_wire


def test_the_metadata_set_reads_every_field_of_object_meta_the_server_does_not_set() -> None:
    fields = set(wire_names(ObjectMeta).values())
    assert fields - set(SERVER_METADATA) == set(METADATA_SET_BY)


@settings(max_examples=30, deadline=None)
@given(batch=st.lists(events, min_size=2, max_size=6))
def test_creates_made_alike_within_a_second_record_what_the_whole_computation_records(
    batch: list[Event],
) -> None:
    # Entries are shared between creates of one manager, field set and time: each of a run
    # of Events (some alike, some not, the first shape again last) still gets its own.
    for event in [*batch, batch[0]]:
        by_objects, by_wire = _both_ways(event, ())
        assert by_objects == by_wire


_taints = st.lists(
    st.builds(Taint, key=dns_labels, effect=st.sampled_from(["NoSchedule", ""])),
    max_size=2,
    unique_by=lambda taint: taint.key,
)
_node_specs = st.builds(
    NodeSpec,
    pod_cidr=st.sampled_from(["", "10.0.0.0/24", "10.0.1.0/24"]),
    # A set of strings, each node's its own (their elements are written per value).
    pod_cidrs=st.lists(
        st.sampled_from(["10.0.0.0/24", "fd00::/64", 'a"b\\c', "n\u00e9"]), max_size=2, unique=True
    ),
    unschedulable=st.booleans(),
    taints=_taints,
)
nodes = st.builds(Node, metadata=metas, spec=_node_specs)
leases = st.builds(
    Lease,
    metadata=metas,
    spec=st.builds(
        LeaseSpec,
        holder_identity=st.none() | dns_labels,
        lease_duration_seconds=st.none() | st.integers(0, 40),
        renew_time=st.none() | timestamps,
    ),
)


@settings(max_examples=40, deadline=None)
@given(batch=st.lists(st.one_of(events, nodes, leases, pods), min_size=2, max_size=8))
def test_objects_of_several_kinds_and_shapes_in_turn_record_what_the_whole_computation_records(
    batch: list[Any],
) -> None:
    # A whole object's set is looked up by its fields' presence, its flat structs' and its
    # metadata's shapes and its other parts' sets: objects of one kind and shape with other
    # values find one set; every other gets its own, each as the wire dicts give it.
    for obj in [*batch, *batch]:
        for reset in (("status",), ()):
            by_objects, by_wire = _both_ways(obj, reset)
            assert by_objects == by_wire


_plain = ObjectMeta(name="same-shape", namespace="default")
_references = st.builds(
    ObjectReference,
    kind=st.sampled_from(["", "Pod"]),
    namespace=st.sampled_from(["", "default"]),
    name=st.sampled_from(["", "web"]),
    uid=st.sampled_from(["", "u-1"]),
    field_path=st.sampled_from(["", "spec.containers{web}"]),
)
_alike = st.one_of(
    st.builds(
        Event,
        metadata=st.just(_plain),
        involved_object=_references,
        source=st.none() | st.builds(EventSource, host=st.sampled_from(["", "node-1"])),
        first_timestamp=st.none() | timestamps,
        count=st.integers(0, 1),
    ),
    st.builds(
        Lease,
        metadata=st.just(_plain),
        spec=st.builds(
            LeaseSpec,
            holder_identity=st.none() | st.sampled_from(["", "node-1"]),
            lease_duration_seconds=st.none() | st.integers(0, 1),
            acquire_time=st.none() | timestamps,
        ),
    ),
)


@settings(max_examples=60, deadline=None)
@given(batch=st.lists(_alike, min_size=2, max_size=8))
def test_objects_whose_metadata_is_alike_but_whose_structs_set_other_fields_get_their_own_sets(
    batch: list[Any],
) -> None:
    # The metadata tells these apart in nothing: the fields their flat structs set do.
    for obj in batch:
        by_objects, by_wire = _both_ways(obj, ())
        assert by_objects == by_wire


def _walked(obj: Any, reset: tuple[str, ...]) -> Any:
    """The set the walk of the whole object gives, without any key or shared set."""
    return _created(obj, shape_of(type(obj)), reset, top=True)


@settings(max_examples=40, deadline=None)
@given(batch=st.lists(st.one_of(events, nodes, leases, pods, _alike), min_size=2, max_size=8))
def test_the_set_found_by_an_objects_key_is_the_set_its_walk_gives(batch: list[Any]) -> None:
    # The key function generated per class finds a set by its fields' presence; whatever
    # came before (objects alike, or not), the set found is the walk's, value for value.
    for obj in [*batch, *batch]:
        for reset in (("status",), ()):
            assert _object_set(obj, shape_of(type(obj)), reset) == _walked(obj, reset)


@attrs.frozen(kw_only=True)
class _OtherReference(ObjectReference):
    """An object reference of a class the Event's key function was not made for, with a
    field an ObjectReference lacks."""

    note: str = ""


@settings(max_examples=30, deadline=None)
@given(event=events, notes=st.lists(st.sampled_from(["", "x"]), min_size=1, max_size=3))
def test_an_object_with_a_value_of_another_class_than_its_fields_gets_the_walks_set(
    event: Event, notes: list[str]
) -> None:
    # The key function knows an Event's involvedObject as an ObjectReference: given another
    # class there, it leaves the object to the walk rather than key it by the wrong fields
    # (which would give every note, set or not, the set of the first).
    reference = event.involved_object
    for note in notes:
        other = _OtherReference(kind=reference.kind, name=reference.name, note=note)
        for obj in (evolve(event, involved_object=other), event):
            assert _object_set(obj, shape_of(Event), ()) == _walked(obj, ())
