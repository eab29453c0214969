"""IntOrString: a count (``3``) or a percentage (``"25%"``), as rolling updates take them."""

from __future__ import annotations

__all__ = ["IntOrString", "scaled_value_from_int_or_percent"]

IntOrString = int | str
"""Kept as the plain value: an ``int`` or a ``str``; nothing to allocate per object."""


def scaled_value_from_int_or_percent(value: IntOrString, total: int, *, round_up: bool) -> int:
    """The count ``value`` stands for out of ``total`` (Kubernetes' GetScaledValueFromIntOrPercent).

    A percentage is rounded up or down as asked; Kubernetes rounds maxSurge up and
    maxUnavailable down. Raises ValueError for a string that is not a whole percentage.
    """
    if isinstance(value, bool):
        raise ValueError("invalid value for IntOrString: invalid type: bool")
    if isinstance(value, int):
        return value
    if not value.endswith("%"):
        raise ValueError("invalid value for IntOrString: invalid type: string is not a percentage")
    digits = value[:-1]
    try:
        percent = int(digits, 10)
    except ValueError:
        raise ValueError(f"invalid value for IntOrString: invalid value {value!r}") from None
    if digits.strip() != digits or "_" in digits:
        raise ValueError(f"invalid value for IntOrString: invalid value {value!r}")
    scaled, remainder = divmod(percent * total, 100)
    # Exact integer arithmetic: Kubernetes computes ceil/floor of value*total/100.
    return scaled + 1 if round_up and remainder else scaled
