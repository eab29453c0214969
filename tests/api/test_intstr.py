"""IntOrString scales as Kubernetes' GetScaledValueFromIntOrPercent."""

from __future__ import annotations

import pytest

from kube_actors.api import scaled_value_from_int_or_percent


@pytest.mark.parametrize(
    ("value", "total", "round_up", "expected"),
    [
        (3, 10, True, 3),
        ("25%", 10, True, 3),
        ("25%", 10, False, 2),
        ("25%", 4, True, 1),
        ("0%", 10, True, 0),
        ("100%", 7, False, 7),
        ("33%", 3, True, 1),
        ("33%", 3, False, 0),
    ],
)
def test_percentages_round_as_asked(
    value: int | str, total: int, round_up: bool, expected: int
) -> None:
    assert scaled_value_from_int_or_percent(value, total, round_up=round_up) == expected


@pytest.mark.parametrize("value", ["25", "abc%", "%"])
def test_strings_that_are_not_percentages_are_refused(value: str) -> None:
    with pytest.raises(ValueError, match="invalid"):
        scaled_value_from_int_or_percent(value, 10, round_up=True)
