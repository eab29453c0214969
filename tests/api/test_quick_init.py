"""``quick_init``: the quicker ``__init__`` builds what attrs' own builds, for every class
it can take, and fails as attrs' own fails; ``quick_new``'s function builds the same."""

from __future__ import annotations

import datetime as dt
from typing import Any

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from kube_actors import api, etcd
from kube_actors.api import (
    Lease,
    LeaseSpec,
    ObjectMeta,
    Update,
    WatchEvent,
    quick_init,
    quick_new,
)
from kube_actors.api._quick_init import ATTRS_INITS, _quick_init_of
from kube_actors.apiserver._cache import CacheEvent
from kube_actors.etcd import (
    Compare,
    CompareTarget,
    EventType,
    KeyEvent,
    KeyValue,
    Put,
    PutResponse,
    Txn,
    TxnResponse,
)

_LEASE = Lease(
    metadata=ObjectMeta(name="n", namespace="kube-node-lease", resource_version="7"),
    spec=LeaseSpec(holder_identity="n", renew_time=dt.datetime(2026, 1, 1, tzinfo=dt.UTC)),
)

#: An object of each class a heartbeat builds, with every field set.
_SAMPLES = [
    KeyValue(key="/k", value=_LEASE, create_revision=3, mod_revision=7, version=2, lease=0),
    Compare(key="/k", target=CompareTarget.MOD, op="=", operand=7),
    Put(key="/k", value=_LEASE),
    Txn(compare=[Compare(key="/k", target=CompareTarget.MOD, op="=", operand=7)]),
    Update(obj=_LEASE, field_manager="kubelet"),
    WatchEvent(type="MODIFIED", obj=_LEASE, resource_version="8"),
    CacheEvent(type="MODIFIED", obj=_LEASE, prev=_LEASE, revision=8),
    KeyEvent(
        type=EventType.PUT,
        kv=KeyValue(key="/k", value=_LEASE, create_revision=3, mod_revision=8, version=3),
    ),
    PutResponse(revision=8),
    TxnResponse(revision=8, succeeded=True, responses=(PutResponse(revision=8),)),
]


def _built_by_default(cls: type) -> Any:
    try:
        return cls()
    except TypeError:  # a required field
        return None


#: Every class the API and etcd export that the quicker ``__init__`` can take, as an
#: object built by default, and the samples above.
_OBJECTS = _SAMPLES + [
    obj
    for module in (api, etcd)
    for cls in (getattr(module, name) for name in sorted(module.__all__))
    if isinstance(cls, type) and attrs.has(cls) and _quick_init_of(cls) is not None
    if (obj := _built_by_default(cls)) is not None
]


def _passed(value: Any) -> Any:
    """A field's value as a caller may pass it, for its converter to freeze: a tuple as a
    list, a map as a plain dict."""
    if isinstance(value, tuple):
        return list(value)
    if isinstance(value, dict):
        return dict(value)
    return value


def _attrs_init(cls: type) -> Any:
    return ATTRS_INITS.get(cls, vars(cls)["__init__"])


def _drawn_arguments(obj: Any, data: st.DataObject) -> dict[str, Any]:
    """Arguments that build ``obj`` again: the required fields always, the others when
    drawn (their defaults otherwise)."""
    fields = attrs.fields(type(obj))
    passed = data.draw(
        st.sets(st.sampled_from([f.alias for f in fields])) if fields else st.just(set())
    )
    required = {f.alias for f in fields if f.default is attrs.NOTHING}
    return {f.alias: _passed(getattr(obj, f.name)) for f in fields if f.alias in passed | required}


@given(st.sampled_from(_OBJECTS), st.data())
def test_the_quicker_init_builds_what_attrs_own_builds(obj: Any, data: st.DataObject) -> None:
    cls = type(obj)
    fields = attrs.fields(cls)
    arguments = _drawn_arguments(obj, data)
    ours, theirs = object.__new__(cls), object.__new__(cls)
    _quick_init_of(cls)(ours, **arguments)
    _attrs_init(cls)(theirs, **arguments)
    assert ours == theirs
    for field in fields:
        assert type(getattr(ours, field.name)) is type(getattr(theirs, field.name))


@pytest.mark.parametrize("cls", [type(sample) for sample in _SAMPLES])
def test_a_missing_or_unknown_argument_fails_as_with_attrs_own_init(cls: type) -> None:
    for arguments in ({"no_such_field": 1}, {}):
        if not arguments and all(f.default is not attrs.NOTHING for f in attrs.fields(cls)):
            continue  # nothing is required
        errors = []
        for init in (vars(cls)["__init__"], _attrs_init(cls)):
            with pytest.raises(TypeError) as caught:
                init(object.__new__(cls), **arguments)
            errors.append(str(caught.value))
        assert errors[0] == errors[1]


def test_the_messages_of_a_heartbeat_are_built_by_the_quicker_init() -> None:
    for cls in (type(sample) for sample in _SAMPLES):
        assert cls in ATTRS_INITS
        assert vars(cls)["__init__"] is not ATTRS_INITS[cls]


def test_a_class_it_cannot_build_keeps_attrs_own_init() -> None:
    @quick_init
    @attrs.frozen(kw_only=True)
    class Checked:
        size: int = attrs.field(validator=attrs.validators.instance_of(int))

    assert Checked not in ATTRS_INITS
    with pytest.raises(TypeError):
        Checked(size="big")  # type: ignore[arg-type]


@given(st.sampled_from(_OBJECTS), st.data())
def test_quick_new_builds_what_the_class_builds(obj: Any, data: st.DataObject) -> None:
    cls = type(obj)
    fields = attrs.fields(cls)
    arguments = _drawn_arguments(obj, data)
    new = quick_new(cls)
    expected = cls(**arguments)
    by_name = new(**arguments)
    # Positional: every field in its order, as the class's own holds it.
    in_order = new(*(getattr(expected, f.name) for f in fields))
    for built in (by_name, in_order):
        assert type(built) is cls
        assert built == expected
        for field in fields:
            assert type(getattr(built, field.name)) is type(getattr(expected, field.name))


def test_quick_new_refuses_a_class_it_cannot_build() -> None:
    @attrs.frozen(kw_only=True)
    class Checked:
        size: int = attrs.field(validator=attrs.validators.instance_of(int))

    with pytest.raises(TypeError, match="quick_new cannot build"):
        quick_new(Checked)
