"""The object walk the apiserver uses gives the same change sets as the wire-dict walk."""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from kube_actors.api import Deployment, Pod, evolve, shape_of, to_dict
from kube_actors.api._typed import compare
from kube_actors.api._typed_objects import compare_objects

from .strategies import deployments, pods


def _wire(obj: Any) -> dict[str, Any]:
    data = to_dict(obj)
    data.pop("apiVersion")
    data.pop("kind")
    return data


@settings(max_examples=25, deadline=None)
@given(old=pods, new=pods)
def test_pods_compare_alike(old: Pod, new: Pod) -> None:
    # Share the spec now and then, as an update does.
    shape = shape_of(Pod)
    for candidate in (new, evolve(new, spec=old.spec)):
        assert compare_objects(old, candidate, shape) == compare(
            _wire(old), _wire(candidate), shape
        )
    assert compare_objects(None, new, shape) == compare({}, _wire(new), shape)


@settings(max_examples=25, deadline=None)
@given(old=deployments, new=deployments, replicas=st.integers(0, 5))
def test_deployments_compare_alike(old: Deployment, new: Deployment, replicas: int) -> None:
    shape = shape_of(Deployment)
    scaled = evolve(old, spec=evolve(old.spec, replicas=replicas))
    for candidate in (new, scaled):
        assert compare_objects(old, candidate, shape) == compare(
            _wire(old), _wire(candidate), shape
        )
