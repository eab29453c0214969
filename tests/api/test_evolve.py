"""``evolve``: the fast copy gives what ``attrs.evolve`` gives, for every class it copies."""

from __future__ import annotations

from typing import Any

import attrs
import pytest

from kube_actors.api import Container, Event, ObjectMeta, Pod, PodSpec, evolve


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
