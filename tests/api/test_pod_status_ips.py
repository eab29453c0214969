"""The status write's IP check takes a dotted quad by one pattern match: it must accept
exactly what the parse (Go's sloppy reading) accepts."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from kube_actors.api._validate_pod_status import _ip, _parsed

_OCTETS = st.one_of(
    st.integers(min_value=0, max_value=300).map(str),
    st.text(alphabet="0123456789", min_size=0, max_size=5),
)
_QUADS = st.lists(_OCTETS, min_size=2, max_size=6).map(".".join)
_ANY = st.one_of(_QUADS, st.text(alphabet="0123456789.:abcdef%x\n ", max_size=20))


@given(_ANY)
def test_the_dotted_quad_match_accepts_what_the_parse_accepts(value: str) -> None:
    assert _ip(value) == (_parsed(value) is not None)
