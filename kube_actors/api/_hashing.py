"""The hashes Kubernetes spells into names: ``pod-template-hash`` and revision names.

Kubernetes hashes a Pod template with 32-bit FNV-1a (``controller.ComputeHash``; a
ControllerRevision's hash is the same), prints the number in decimal and passes the digits
through ``rand.SafeEncodeString``: each *character* (its code point, not the digit's value)
indexes the alphabet of generated names, which has no vowels (no words) and no look-alikes
(``0``/``o``, ``1``/``l``/``3``/``e``). So ``"0"`` (48) becomes ``alphabet[48 % 27] = "4"`` and
every hash Kubernetes makes is spelt from ``4-9``, ``b``, ``c``, ``d`` and ``f``
(``nginx-66b6c48dd5``). The apiserver draws ``generateName`` suffixes from the same alphabet.
"""

from __future__ import annotations

import json

from ._converter import unstructure
from ._pod import PodTemplateSpec

__all__ = ["NAME_ALPHABET", "fnv32a", "safe_encode_string", "template_hash"]

#: Kubernetes' ``rand`` alphanumerics: no vowels, no characters that look alike.
NAME_ALPHABET = "bcdfghjklmnpqrstvwxz2456789"

_FNV32_OFFSET = 0x811C9DC5
_FNV32_PRIME = 0x01000193


def fnv32a(data: bytes) -> int:
    """32-bit FNV-1a of ``data`` (Go's ``hash/fnv.New32a``)."""
    value = _FNV32_OFFSET
    for byte in data:
        value = ((value ^ byte) * _FNV32_PRIME) & 0xFFFFFFFF
    return value


def safe_encode_string(text: str) -> str:
    """Kubernetes' ``rand.SafeEncodeString``: each character's code point picks a letter."""
    size = len(NAME_ALPHABET)
    return "".join(NAME_ALPHABET[ord(char) % size] for char in text)


def template_hash(template: PodTemplateSpec, collision_count: int | None = None) -> str:
    """The hash of a Pod template as Kubernetes names ReplicaSets and revisions by it: FNV-1a
    of the template's wire form (JSON, keys sorted), then of ``collision_count`` (4 bytes,
    little-endian) when set, printed in decimal and safe-encoded."""
    wire = json.dumps(unstructure(template), sort_keys=True, separators=(",", ":"), default=str)
    data = wire.encode()
    if collision_count is not None:
        data += (collision_count & 0xFFFFFFFF).to_bytes(4, "little")
    return safe_encode_string(str(fnv32a(data)))
