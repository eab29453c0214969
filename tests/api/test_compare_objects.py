"""The object walk the apiserver uses gives the same change sets as the wire-dict walk."""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from kube_actors.api import Deployment, Pod, Service, evolve, shape_of, to_dict
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
