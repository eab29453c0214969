"""Object uids: random version-4 UUIDs, the text built straight from the random bits."""

from __future__ import annotations

import uuid

from hypothesis import given
from hypothesis import strategies as st

from kube_actors.apiserver._uids import uuid4_text


@given(st.integers(min_value=0, max_value=2**128 - 1))
def test_a_uid_reads_as_the_version_4_uuid_of_its_random_bits(bits: int) -> None:
    text = uuid4_text(bits)
    assert text == str(uuid.UUID(int=bits, version=4))
    assert uuid.UUID(text).version == 4


def test_the_extremes_of_the_random_bits_still_give_version_4_uuids() -> None:
    assert uuid4_text(0) == "00000000-0000-4000-8000-000000000000"
    assert uuid4_text(2**128 - 1) == "ffffffff-ffff-4fff-bfff-ffffffffffff"
