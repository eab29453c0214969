"""Key ranges in etcd's spelling: whether two ranges share a key, checked against listing the
keys of a small alphabet one by one."""

from __future__ import annotations

import itertools

from hypothesis import given
from hypothesis import strategies as st

from kube_actors.etcd import FROM_KEY
from kube_actors.etcd._keys import in_range, ranges_overlap

#: Every key of up to two characters of a three-letter alphabet, and the empty key.
KEYS = [""] + ["".join(p) for n in (1, 2) for p in itertools.product("abc", repeat=n)]

keys = st.sampled_from(KEYS[1:])
range_ends = st.one_of(st.none(), st.just(FROM_KEY), keys)


@given(keys, range_ends, keys, range_ends)
def test_two_ranges_overlap_when_some_key_lies_in_both(
    key: str, range_end: str | None, other: str, other_end: str | None
) -> None:
    # Every bound is one of the listed keys, so if the ranges share a key they share the
    # later of their starts, which is listed.
    shared = any(
        in_range(candidate, key, range_end) and in_range(candidate, other, other_end)
        for candidate in KEYS
    )
    assert ranges_overlap(key, range_end, other, other_end) is shared
    assert ranges_overlap(other, other_end, key, range_end) is shared
