"""Properties: generated objects survive the manifest round trip; defaulting is idempotent."""

from __future__ import annotations

from typing import Any

import orjson
from hypothesis import given, settings
from hypothesis import strategies as st

from kube_actors.api import (
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
