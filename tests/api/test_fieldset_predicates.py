"""``within`` and ``overlaps`` answer what ``difference`` and ``intersection`` would, without
building them (the apiserver's Lease renewals ask them on every write)."""

from __future__ import annotations

from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from kube_actors.api._fieldset import SELF, difference, intersection, overlaps, within

_ELEMENTS = st.sampled_from(["f:spec", "f:renewTime", "f:holderIdentity", 'k:{"name":"a"}'])


def _with_self(children: dict[str, Any], member: bool) -> dict[str, Any]:
    # Below the root a node is in the set when it is a leaf ({}) or has "." among children.
    return {SELF: {}, **children} if member and children else children


_NODES: st.SearchStrategy[dict[str, Any]] = st.recursive(
    st.just({}),
    lambda below: st.builds(
        _with_self, st.dictionaries(_ELEMENTS, below, min_size=1, max_size=3), st.booleans()
    ),
    max_leaves=12,
)
_SETS = st.dictionaries(_ELEMENTS, _NODES, max_size=3)


@given(_SETS, _SETS)
def test_within_is_an_empty_difference(a: dict[str, Any], b: dict[str, Any]) -> None:
    assert within(a, b) == (not difference(a, b))
    assert within(a, a)


@given(_SETS, _SETS)
def test_overlaps_is_a_non_empty_intersection(a: dict[str, Any], b: dict[str, Any]) -> None:
    assert overlaps(a, b) == bool(intersection(a, b))
    assert overlaps(a, b) == overlaps(b, a)
