"""Properties: generated objects survive the manifest round trip; defaulting is idempotent."""

from __future__ import annotations

import datetime as dt
from typing import Any

import orjson
from hypothesis import given, settings
from hypothesis import strategies as st

from kube_actors.api import (
    Event,
    ObjectMeta,
    ObjectReference,
    Quantity,
    default,
    dump_manifests,
    from_dict,
    load_manifests,
    size_bound,
    to_dict,
)
from kube_actors.testing.strategies import quantities

from .strategies import deployments, pods, services

objects = st.one_of(pods, deployments, services)


@settings(max_examples=40)
@given(objects)
def test_generated_objects_round_trip_through_dicts(obj: Any) -> None:
    data = to_dict(obj)
    assert from_dict(data) == obj
    assert to_dict(from_dict(data)) == data


@settings(max_examples=15)
@given(st.lists(objects, min_size=1, max_size=3))
def test_generated_objects_round_trip_through_yaml(objs: list[Any]) -> None:
    assert load_manifests(dump_manifests(objs)) == objs


@settings(max_examples=25)
@given(objects)
def test_defaulting_is_idempotent(obj: Any) -> None:
    once = default(obj)
    assert default(once) == once


@given(quantities())
def test_a_quantity_reparses_from_its_canonical_form(quantity: Quantity) -> None:
    again = Quantity(str(quantity))
    assert again == quantity
    assert str(again) == str(quantity)


@settings(max_examples=40)
@given(objects)
def test_the_size_bound_is_never_below_the_encoded_size(obj: Any) -> None:
    bound = size_bound(obj)
    assert bound >= len(orjson.dumps(to_dict(obj)))
    # Again: the spec's share is looked up by its identity this time, and is the same.
    assert size_bound(obj) == bound


class _Instant(dt.datetime):
    """A datetime subclass: orjson does not write it itself, the size bound's callback does."""


_any_times = st.datetimes(
    min_value=dt.datetime(1, 1, 2),
    max_value=dt.datetime(9999, 12, 30),
    timezones=st.one_of(st.none(), st.just(dt.UTC), st.timezones()),
)
_times = _any_times | _any_times.map(lambda t: _Instant.combine(t.date(), t.timetz()))


@settings(max_examples=60)
@given(
    created=st.none() | _times,
    first=st.none() | _times,
    event_time=st.none() | _times,
    message=st.text(max_size=20),
)
def test_the_size_bound_of_an_object_with_times_of_any_zone_is_never_below_its_size(
    created: dt.datetime | None,
    first: dt.datetime | None,
    event_time: dt.datetime | None,
    message: str,
) -> None:
    event = Event(
        metadata=ObjectMeta(name="e", namespace="default", creation_timestamp=created),
        involved_object=ObjectReference(kind="Node", name="n"),
        message=message,
        first_timestamp=first,
        last_timestamp=first,
        event_time=event_time,
    )
    assert size_bound(event) >= len(orjson.dumps(to_dict(event)))
