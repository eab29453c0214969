"""``evolve``: the fast copy gives what ``attrs.evolve`` gives, for every class it copies."""

from __future__ import annotations

from typing import Any

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from kube_actors import api
from kube_actors.api import Container, Event, ObjectMeta, Pod, PodSpec, evolve, evolver
from kube_actors.api._base import copier


@pytest.mark.parametrize(
    ("obj", "changes"),
    [
        (ObjectMeta(name="a", labels={"x": "y"}), {"name": "b"}),
        # A converter runs on a changed field only: a list becomes a tuple, a dict a FrozenDict.
        (ObjectMeta(name="a"), {"finalizers": ["f"], "labels": {"k": "v"}}),
        (PodSpec(containers=[Container(name="c", image="i")]), {"node_name": "n"}),
        (Pod(metadata=ObjectMeta(name="p")), {"spec": PodSpec(), "metadata": ObjectMeta()}),
        (Event(metadata=ObjectMeta(name="e"), reason="Started"), {"count": 2}),
    ],
)
def test_evolve_gives_what_attrs_evolve_gives(obj: Any, changes: dict[str, object]) -> None:
    fast = evolve(obj, **changes)
    assert fast == attrs.evolve(obj, **changes)
    assert type(fast) is type(obj)
    assert fast is not obj
    unchanged = [f.name for f in attrs.fields(type(obj)) if f.name not in changes]
    assert all(getattr(fast, name) is getattr(obj, name) for name in unchanged)


def test_evolve_refuses_a_field_the_class_does_not_have() -> None:
    with pytest.raises(TypeError, match="ObjectMeta has no field 'nope'"):
        evolve(ObjectMeta(name="a"), nope=1)


def test_a_copy_is_frozen_as_its_original() -> None:
    copy = evolve(ObjectMeta(name="a"), name="b")
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        copy.name = "c"  # type: ignore[misc]


def _built_by_default(cls: type) -> Any:
    try:
        return cls()
    except TypeError:  # a required field
        return None


#: Every kind and part of one the API exports that builds without arguments.
_DEFAULT_BUILT = [
    obj
    for cls in (getattr(api, name) for name in sorted(api.__all__))
    if isinstance(cls, type) and attrs.has(cls)
    if (obj := _built_by_default(cls)) is not None
]


def _changed_value(value: Any) -> Any:
    """Another value for a field, one its converter (if any) has to freeze: a tuple as a
    list, a map as a plain dict; anything else as it is (still passed as a change)."""
    if isinstance(value, tuple):
        return list(value)
    if isinstance(value, dict):
        return dict(value)
    return value


@given(st.sampled_from(_DEFAULT_BUILT), st.data())
def test_evolve_gives_what_attrs_evolve_gives_for_every_exported_class(
    obj: Any, data: st.DataObject
) -> None:
    names = [f.name for f in attrs.fields(type(obj)) if f.init]
    changed = data.draw(st.sets(st.sampled_from(names)) if names else st.just(set()))
    changes = {name: _changed_value(getattr(obj, name)) for name in sorted(changed)}
    fast = evolve(obj, **changes)
    assert fast == attrs.evolve(obj, **changes)
    assert type(fast) is type(obj)
    unchanged = [f.name for f in attrs.fields(type(obj)) if f.name not in changes]
    assert all(getattr(fast, name) is getattr(obj, name) for name in unchanged)
    # The class's own copier, called straight, copies alike.
    straight = evolver(type(obj))(obj, **changes)
    assert straight == fast
    assert type(straight) is type(obj)
    assert all(getattr(straight, name) is getattr(obj, name) for name in unchanged)
    # And so does a copier of the fields changed, given their values in order.
    positional = copier(type(obj), *changes)(obj, *changes.values())
    assert positional == fast
    assert type(positional) is type(obj)
    assert all(getattr(positional, name) is getattr(obj, name) for name in unchanged)


def test_an_evolver_refuses_a_field_the_class_does_not_have() -> None:
    with pytest.raises(TypeError, match=r"evolve_ObjectMeta\(\) got an unexpected keyword"):
        evolver(ObjectMeta)(ObjectMeta(name="a"), nope=1)


def test_a_converter_s_own_type_error_is_not_taken_for_an_unknown_field() -> None:
    with pytest.raises(TypeError, match="expected a list, got the string"):
        evolve(ObjectMeta(name="a"), finalizers="f")


def test_a_copier_freezes_the_values_it_is_given_and_keeps_the_rest() -> None:
    meta = ObjectMeta(name="a", labels={"x": "y"}, finalizers=["f"])
    copy = copier(ObjectMeta, "labels", "uid")(meta, {"k": "v"}, "u")
    assert copy == attrs.evolve(meta, labels={"k": "v"}, uid="u")
    assert copy.labels == {"k": "v"}
    assert isinstance(copy.labels, api.FrozenDict)
    assert copy.finalizers is meta.finalizers
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        copy.name = "c"  # type: ignore[misc]


def test_a_copier_refuses_a_field_the_class_does_not_have() -> None:
    with pytest.raises(TypeError, match="ObjectMeta has no field 'nope'"):
        copier(ObjectMeta, "name", "nope")


def test_a_copier_refuses_a_field_named_twice() -> None:
    with pytest.raises(TypeError, match="a field named twice"):
        copier(ObjectMeta, "name", "name")


def test_a_copier_takes_exactly_its_fields_values() -> None:
    with pytest.raises(TypeError):
        copier(ObjectMeta, "name", "uid")(ObjectMeta(name="a"), "b")
