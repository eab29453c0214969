"""Quantities parse, compare and print as Kubernetes' resource.Quantity does."""

from __future__ import annotations

import pytest

from kube_actors.api import Quantity


@pytest.mark.parametrize(
    ("text", "canonical"),
    [
        ("100m", "100m"),
        ("1.5", "1500m"),
        ("512Mi", "512Mi"),
        ("1G", "1G"),
        ("1e3", "1e3"),
        ("2Ki", "2Ki"),
        ("1.5Gi", "1536Mi"),
        ("0.5Gi", "512Mi"),
        ("1024Mi", "1Gi"),
        ("1000", "1k"),
        ("0.1", "100m"),
        ("0.5Ki", "512"),
        ("1.1Ki", "1126400m"),
        ("-1.5Gi", "-1536Mi"),
        ("5000m", "5"),
        ("12e6", "12e6"),
        ("1e-3", "1e-3"),
        ("0.0001", "100u"),
        ("0", "0"),
        (".5", "500m"),
    ],
)
def test_quantity_prints_in_canonical_form(text: str, canonical: str) -> None:
    assert str(Quantity(text)) == canonical


def test_amounts_below_a_nano_unit_round_up_away_from_zero() -> None:
    assert str(Quantity("0.1n")) == "1n"
    assert str(Quantity("-0.1n")) == "-1n"


def test_cpu_reads_as_milli_value_and_memory_as_value() -> None:
    assert Quantity("100m").milli_value() == 100
    assert Quantity("1.5").milli_value() == 1500
    assert Quantity("512Mi").value() == 512 * 1024**2
    assert Quantity("1G").value() == 10**9
    assert Quantity("1001m").value() == 2  # rounded up


def test_quantities_compare_by_amount_whatever_their_suffix() -> None:
    assert Quantity("1k") == Quantity("1000")
    assert Quantity("1Gi") == Quantity("1024Mi")
    assert Quantity("1Ki") > Quantity("1k")
    assert Quantity("999m") < Quantity("1")
    assert hash(Quantity("1000m")) == hash(Quantity("1"))


def test_sums_are_exact() -> None:
    total = Quantity("100m") + Quantity("200m") + Quantity("0.7")
    assert total == Quantity("1")
    assert str(total) == "1"


@pytest.mark.parametrize("text", ["", "abc", "1K", "1.2.3", "1e", "Mi", "1 Mi", "."])
def test_malformed_quantities_are_refused(text: str) -> None:
    with pytest.raises(ValueError, match="quantit"):
        Quantity(text)
