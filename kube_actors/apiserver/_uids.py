"""Object uids as kube-apiserver makes them: random version-4 UUIDs, in their text form.

Every create takes one, so the text is built straight from the 128 random bits:
``uuid.UUID(int=..., version=4)`` and its ``str`` cost several times more, for the same
characters.
"""

from __future__ import annotations

__all__ = ["uuid4_text"]

#: The bits a version-4 UUID fixes: the version nibble and the RFC 4122 variant.
_CLEAR = ~((0xF000 << 64) | (0xC000 << 48))
_SET = (0x4000 << 64) | (0x8000 << 48)


def uuid4_text(bits: int) -> str:
    """The version-4 UUID made of the 128 random ``bits``, as ``str(uuid.UUID(...))``."""
    # The hex of its bytes (a fifth cheaper than formatting the int, ``:032x``), its first
    # ten in groups of two with the first dash dropped (8-4-4-4), then the last six: where
    # five slices of the whole hex, each a slice object and a copy, cost a fifth more.
    uuid = (bits & _CLEAR) | _SET
    head = (uuid >> 48).to_bytes(10).hex("-", 2).replace("-", "", 1)
    return f"{head}-{(uuid & _LAST_SIX_BYTES).to_bytes(6).hex()}"


_LAST_SIX_BYTES = (1 << 48) - 1
