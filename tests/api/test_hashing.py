"""The hashes Kubernetes spells into names, checked against values worked out by hand from
Kubernetes' algorithm (FNV-1a test vectors, then ``rand.SafeEncodeString`` character by
character), not against this package's own output."""

from __future__ import annotations

from kube_actors.api import (
    NAME_ALPHABET,
    Container,
    PodSpec,
    PodTemplateSpec,
    fnv32a,
    safe_encode_string,
    template_hash,
)


def test_fnv32a_matches_the_published_test_vectors() -> None:
    # From the FNV reference (Landon Curt Noll's test suite): FNV-1a, 32 bits.
    assert fnv32a(b"") == 0x811C9DC5
    assert fnv32a(b"a") == 0xE40C292C
    assert fnv32a(b"foobar") == 0xBF9CF968


def test_safe_encode_string_indexes_the_alphabet_by_code_point_not_digit_value() -> None:
    # "0" is code point 48 and 48 % 27 == 21, the alphabet's "4"; "6" is 54 % 27 == 0, "b".
    assert NAME_ALPHABET == "bcdfghjklmnpqrstvwxz2456789"
    assert safe_encode_string("0123456789") == "456789bcdf"
    # 0x811c9dc5 == 2166136261, the hash of nothing, as Kubernetes would print it.
    assert safe_encode_string("2166136261") == "65bb57b6b5"
    # 0xe40c292c == 3826002220.
    assert safe_encode_string("3826002220") == "7d6b446664"


def test_template_hashes_are_spelt_from_the_letters_kubernetes_hashes_use() -> None:
    template = PodTemplateSpec(spec=PodSpec(containers=(Container(name="c", image="nginx"),)))
    pod_hash = template_hash(template)
    assert pod_hash.isascii()
    assert set(pod_hash) <= set("456789bcdf")
    digits = "".join(str("456789bcdf".index(char)) for char in pod_hash)
    assert int(digits) < 2**32  # a 32-bit number printed in decimal
    assert safe_encode_string(digits) == pod_hash
    assert template_hash(template, 1) != pod_hash
