"""The object walk the apiserver uses gives the same change sets as the wire-dict walk."""

from __future__ import annotations

import datetime as dt
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from kube_actors.api import (
    Deployment,
    Lease,
    LeaseSpec,
    ObjectMeta,
    Pod,
    Service,
    evolve,
    shape_of,
    to_dict,
)
from kube_actors.api._typed import compare
from kube_actors.api._typed_objects import SERVER_METADATA, compare_objects

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
