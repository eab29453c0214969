"""The size bound taken from an object's fields (no encoding) is never below the object's
encoded size, whatever its strings hold: escapes, control characters, any Unicode, long
strings; and with values not of their field's type."""

from __future__ import annotations

import datetime as dt
from typing import Any

import orjson
from hypothesis import given, settings
from hypothesis import strategies as st

from kube_actors.api import (
    ConfigMap,
    Event,
    EventSource,
    Lease,
    LeaseSpec,
    ObjectMeta,
    ObjectReference,
    OwnerReference,
    kind_info,
    size_bound,
    to_dict,
)
from kube_actors.api._converter import converter
from kube_actors.api._limits import _FIELD_BOUND
from kube_actors.apiserver._fields import with_managed_fields
from kube_actors.apiserver._strategy import prepare_for_create

_NOW = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)

# Any character JSON can carry (no lone surrogates: no encoder writes them), control
# characters, quotes and backslashes more often than chance would draw them.
_text = st.text(
    st.characters(codec="utf-8") | st.sampled_from('"\\\n\x00\x1f\x7f'),
    max_size=40,
)
_long_text = _text | st.builds(
    lambda c, n: c * n, st.sampled_from('a\x01é😀"'), st.integers(0, 5000)
)
_maps = st.dictionaries(_text, _long_text, max_size=4)
_times = st.none() | st.datetimes(
    min_value=dt.datetime(1, 1, 2), max_value=dt.datetime(9999, 12, 30), timezones=st.just(dt.UTC)
)
_ints = st.integers(-(2**63), 2**63 - 1)

_metadata = st.builds(
    ObjectMeta,
    name=_text,
    generate_name=_text,
    namespace=_text,
    uid=_text,
    generation=_ints,
    creation_timestamp=_times,
    deletion_grace_period_seconds=st.none() | _ints,
    labels=_maps,
    annotations=_maps,
    finalizers=st.lists(_text, max_size=3),
    owner_references=st.lists(
        st.builds(OwnerReference, name=_text, uid=_text, controller=st.none() | st.booleans()),
        max_size=2,
    ),
)

_events = st.builds(
    Event,
    metadata=_metadata,
    involved_object=st.builds(ObjectReference, kind=_text, name=_text, field_path=_text),
    reason=_text,
    message=_long_text,
    source=st.none() | st.builds(EventSource, component=_text, host=_text),
    first_timestamp=_times,
    last_timestamp=_times,
    count=_ints,
    event_time=_times,
    action=_text,
)
_config_maps = st.builds(ConfigMap, metadata=_metadata, data=_maps)
_leases = st.builds(
    Lease,
    metadata=_metadata,
    spec=st.builds(
        LeaseSpec,
        holder_identity=st.none() | _text,
        lease_duration_seconds=st.none() | _ints,
        renew_time=_times,
    ),
)


def _created(obj: Any) -> Any:
    """``obj`` as a create stores it: prepared, with its managedFields entry."""
    obj = prepare_for_create(obj, uid="0" * 36, now=_NOW)
    return with_managed_fields(
        kind_info(type(obj)),
        None,
        obj,
        manager="test",
        subresource="",
        now=_NOW,
        resource_version="7",
    )


def _header(obj: Any) -> int:
    return len(f'"apiVersion":"{obj.api_version}","kind":"{obj.kind}",')


@settings(max_examples=150)
@given(obj=st.one_of(_events, _config_maps, _leases), created=st.booleans())
def test_the_field_size_bound_is_never_below_the_encoded_size(obj: Any, created: bool) -> None:
    if created:
        obj = _created(obj)
    encoded = len(orjson.dumps(to_dict(obj)))
    assert _header(obj) + _FIELD_BOUND.of(obj) >= encoded
    assert size_bound(obj) >= encoded


@settings(max_examples=60)
@given(
    value=st.one_of(
        st.integers(-(2**63), 2**64 - 1),
        st.booleans(),
        _long_text,
        st.lists(_text, max_size=5).map(tuple),
        _maps,
    )
)
def test_a_value_not_of_its_fields_type_is_still_counted_in_full(value: Any) -> None:
    # The converter writes what a field holds, whatever its declared type.
    event = Event(
        metadata=ObjectMeta(name="e", namespace="default"),
        reason=value,
        count=value,
        first_timestamp=value,
    )
    try:
        encoded = len(orjson.dumps(to_dict(event)))
    except (TypeError, AttributeError):  # what the converter or encoder cannot write
        return
    assert size_bound(event) >= encoded


# Any offset, to the second and the microsecond, and naive times: orjson writes each time
# itself with its offset, the converter in UTC with a ``Z``.
_offsets = st.builds(
    dt.timezone,
    st.timedeltas(
        min_value=-dt.timedelta(hours=23, minutes=59), max_value=dt.timedelta(hours=23, minutes=59)
    ),
)
_earliest, _latest = dt.datetime(1, 1, 2), dt.datetime(9999, 12, 30)
_any_times = st.datetimes(_earliest, _latest) | st.datetimes(_earliest, _latest, timezones=_offsets)


@settings(max_examples=100)
@given(acquired=_any_times, renewed=_any_times)
def test_a_time_in_any_offset_is_counted_no_shorter_than_written(
    acquired: dt.datetime, renewed: dt.datetime
) -> None:
    # Every field set: the wire form leaves none out, and the bound of a spec of flat
    # fields is their exact encoding but for the times.
    spec = LeaseSpec(
        holder_identity="node-1",
        lease_duration_seconds=40,
        acquire_time=acquired,
        renew_time=renewed,
        lease_transitions=1,
    )
    assert _FIELD_BOUND.of(spec) >= len(orjson.dumps(converter.unstructure(spec)))
