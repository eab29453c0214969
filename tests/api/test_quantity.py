"""Quantities parse, compare and print as Kubernetes' resource.Quantity does."""

from __future__ import annotations

import pytest

from kube_actors.api import NodeStatus, Quantity


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


def test_a_resource_list_keeps_the_quantities_it_is_given_and_converts_the_rest() -> None:
    # A Quantity is immutable: a kubelet's capacity, given on every status report, is
    # kept rather than copied; "1Gi" and 2 still become Quantities of their format.
    cpu, memory = Quantity("1500m"), Quantity("1Gi")
    frozen = NodeStatus(capacity={"cpu": cpu, "memory": memory}).capacity
    assert frozen["cpu"] is cpu
    assert frozen["memory"] is memory
    assert NodeStatus(capacity=frozen).capacity is frozen
    mixed = NodeStatus(capacity={"cpu": cpu, "memory": "1Gi", "pods": 2}).capacity
    assert mixed["cpu"] is cpu
    assert type(mixed["memory"]) is Quantity
    assert str(mixed["memory"]) == "1Gi"
    assert type(mixed["pods"]) is Quantity
    assert str(mixed["pods"]) == "2"
    assert mixed == {"cpu": cpu, "memory": memory, "pods": Quantity(2)}
