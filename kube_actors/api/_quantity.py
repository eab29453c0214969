"""Kubernetes' ``resource.Quantity``: exact amounts like ``100m``, ``1.5Gi`` or ``1e3``.

A quantity is kept as an integer count of nano-units (Kubernetes rounds every amount up to
``1n``, away from zero), plus the format its suffix asked for, which decides how it prints:

* ``DecimalSI`` (``m``, ``k``, ``M`` ... or no suffix) prints with the largest SI suffix that
  keeps an integer mantissa: ``1.5`` → ``1500m``, ``1000`` → ``1k``;
* ``BinarySI`` (``Ki``, ``Mi`` ...) prints with the largest power-of-1024 suffix:
  ``1.5Gi`` → ``1536Mi``; amounts under 1024 or with a fraction fall back to DecimalSI;
* ``DecimalExponent`` (``1e3``) prints as ``<mantissa>e<exponent>`` with the exponent a
  multiple of three.

Equality, ordering and hashing look at the amount only: ``Quantity("1k") == Quantity("1000")``.
"""

from __future__ import annotations

import functools
import re
from typing import Final

__all__ = ["MAX_VALUE", "Quantity", "QuantityFormat"]

QuantityFormat = str  # "DecimalSI" | "BinarySI" | "DecimalExponent"

DECIMAL_SI: Final = "DecimalSI"
BINARY_SI: Final = "BinarySI"
DECIMAL_EXPONENT: Final = "DecimalExponent"

_NANO: Final = 10**9

# (base, exponent) of each suffix; binary exponents are powers of two.
_DECIMAL_SUFFIXES: Final = {
    "n": -9,
    "u": -6,
    "m": -3,
    "": 0,
    "k": 3,
    "M": 6,
    "G": 9,
    "T": 12,
    "P": 15,
    "E": 18,
}
_BINARY_SUFFIXES: Final = {"Ki": 10, "Mi": 20, "Gi": 30, "Ti": 40, "Pi": 50, "Ei": 60}
_DECIMAL_BY_EXPONENT: Final = {exp: suffix for suffix, exp in _DECIMAL_SUFFIXES.items()}
_BINARY_BY_POWER: Final = ["", "Ki", "Mi", "Gi", "Ti", "Pi", "Ei"]

MAX_VALUE: Final = 2**63 - 1
"""The largest amount, in units (Kubernetes' int64 maximum); larger decimal amounts are refused."""
_MAX_DIGITS: Final = 19  # decimal places of MAX_VALUE
_KEPT_PLACES: Final = 80  # decimal places below a unit kept exactly (nano / 2**60 needs 69)
_EXPONENT_CHARS: Final = 12  # "e" and an exponent of up to 11 characters
_HUGE_EXPONENT: Final = 10**12  # stands for an exponent too long to read

# Kubernetes splits a quantity into a signed decimal number and a suffix, then checks both.
_SHAPE: Final = re.compile(r"([+-]?)([0-9]*)(?:\.([0-9]*))?([eEinumkKMGTP]*[-+]?[0-9]*)")
_SHAPE_HELP: Final = (
    "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'"
)


def _ceil_div(numerator: int, denominator: int) -> int:
    """Divide, rounding away from zero (Kubernetes' ``inf.RoundUp``)."""
    quotient, remainder = divmod(abs(numerator), denominator)
    if remainder:
        quotient += 1
    return quotient if numerator >= 0 else -quotient


def _interpret_suffix(suffix: str) -> tuple[int, int, QuantityFormat]:
    """(base, exponent, format) of a suffix, or ValueError."""
    if suffix in _DECIMAL_SUFFIXES:
        return 10, _DECIMAL_SUFFIXES[suffix], DECIMAL_SI
    if suffix in _BINARY_SUFFIXES:
        return 2, _BINARY_SUFFIXES[suffix], BINARY_SI
    # An exponent is a few digits; a long one can only mean an absurd magnitude, refused below
    # by the magnitude check, so its digits are not even converted (no quadratic int()).
    if len(suffix) > 1 and suffix[0] in "eE" and len(suffix) <= _EXPONENT_CHARS:
        try:
            return 10, int(suffix[1:]), DECIMAL_EXPONENT
        except ValueError:
            pass
    if len(suffix) > _EXPONENT_CHARS and re.fullmatch(r"[eE][-+]?[0-9]+", suffix):
        return 10, _HUGE_EXPONENT if suffix[1] != "-" else -_HUGE_EXPONENT, DECIMAL_EXPONENT
    raise ValueError("unable to parse quantity's suffix")


@functools.lru_cache(maxsize=4096)
def _parse(text: str) -> tuple[int, QuantityFormat]:
    """Parse once per distinct string: manifests repeat the same few quantities endlessly.

    Every step is linear in the text: the digits are trimmed of zeros that do not change the
    amount, the magnitude is checked from the digit count before any arithmetic, and digits far
    below a nano-unit only say "round up"; so ``1e99999`` or a thousand-digit fraction costs
    no more than ``1``.
    """
    match = _SHAPE.fullmatch(text)
    if not text or match is None:
        raise ValueError(_SHAPE_HELP)
    sign, whole, fraction, suffix = match.groups()
    fraction = fraction or ""
    if not whole and not fraction:
        if "." in text:
            raise ValueError("unable to parse numeric part of quantity")
        raise ValueError(_SHAPE_HELP)
    base, exponent, fmt = _interpret_suffix(suffix)
    # The amount is digits * 10**power * base**exponent, digits with no leading/trailing zeros.
    digits = (whole + fraction).lstrip("0")
    power = -len(fraction)
    stripped = digits.rstrip("0")
    power += len(digits) - len(stripped)
    digits = stripped
    if base == 10:
        power, exponent = power + exponent, 0
    nanos = _nanos_of(digits, power, 2**exponent, capped=fmt == BINARY_SI)
    if sign == "-":
        nanos = -nanos
    if fmt == BINARY_SI and 0 < abs(nanos) < _NANO:
        fmt = DECIMAL_SI  # a binary fraction of one prints as a decimal one
    return nanos, fmt


def _nanos_of(digits: str, power: int, factor: int, *, capped: bool) -> int:
    """``int(digits) * 10**power * factor`` in nano-units, rounded up, bounded by MAX_VALUE.

    ``digits`` has no leading or trailing zeros; ``factor`` is at most 2**60 (``Ei``).
    """
    if not digits:
        return 0
    # Order of magnitude (in units) before any arithmetic: the amount is at least
    # 10**(len(digits) - 1 + power), and factor adds at most 19 decimal places.
    if len(digits) - 1 + power > _MAX_DIGITS:
        return _too_large(capped)
    # Digits below 10**-_KEPT_PLACES of a unit cannot move the amount across a nano-unit
    # boundary (every boundary, nano / 2**60 included, has fewer decimal places): keep the
    # digits above, and a sticky 1 just below for "something was there, round up".
    cut = -_KEPT_PLACES - power
    if cut > 0:
        if cut >= len(digits):
            digits, power = "1", -_KEPT_PLACES - 1
        else:
            digits, power = digits[: len(digits) - cut] + "1", -_KEPT_PLACES - 1
    numerator = int(digits) * factor * _NANO
    nanos = numerator * 10**power if power >= 0 else _ceil_div(numerator, 10 ** (-power))
    if nanos > MAX_VALUE * _NANO:
        return _too_large(capped)
    return nanos


def _too_large(capped: bool) -> int:
    # Kubernetes caps binary amounts at the int64 maximum; a decimal amount that large is refused
    # (Kubernetes would keep it as an unbounded decimal that every int64 reader overflows on).
    if capped:
        return MAX_VALUE * _NANO
    raise ValueError(f"quantity is too large: the maximum is {MAX_VALUE}")


class Quantity:
    """An exact resource amount; build with ``Quantity("500m")`` or ``Quantity(2)``."""

    __slots__ = ("_format", "_nanos")

    _nanos: int
    _format: QuantityFormat

    def __init__(self, value: str | int | Quantity = 0) -> None:
        if isinstance(value, Quantity):
            self._nanos, self._format = value._nanos, value._format
        elif isinstance(value, bool):
            raise TypeError("a quantity is a string or an int, not a bool")
        elif isinstance(value, int):
            self._nanos, self._format = value * _NANO, DECIMAL_SI
        elif isinstance(value, str):
            self._nanos, self._format = _parse(value)
        else:
            raise TypeError(f"a quantity is a string or an int, not {type(value).__name__}")

    @classmethod
    def from_milli(cls, milli: int, fmt: QuantityFormat = DECIMAL_SI) -> Quantity:
        """The quantity of ``milli`` thousandths (CPU's usual unit)."""
        return cls._of(milli * 10**6, fmt)

    @classmethod
    def _of(cls, nanos: int, fmt: QuantityFormat) -> Quantity:
        quantity = cls.__new__(cls)
        quantity._nanos, quantity._format = nanos, fmt
        return quantity

    # -- reading the amount

    @property
    def format(self) -> QuantityFormat:
        return self._format

    @property
    def nano_value(self) -> int:
        """The exact amount in nano-units."""
        return self._nanos

    def value(self) -> int:
        """The amount rounded up (away from zero) to an integer: memory, storage, pods."""
        return _ceil_div(self._nanos, _NANO)

    def milli_value(self) -> int:
        """The amount in thousandths, rounded up (away from zero): CPU."""
        return _ceil_div(self._nanos, 10**6)

    def is_zero(self) -> bool:
        return self._nanos == 0

    # -- arithmetic, as the scheduler sums requests

    def __add__(self, other: Quantity) -> Quantity:
        return Quantity._of(
            self._nanos + other._nanos, self._format if self._nanos else other._format
        )

    def __sub__(self, other: Quantity) -> Quantity:
        return Quantity._of(
            self._nanos - other._nanos, self._format if self._nanos else other._format
        )

    def __neg__(self) -> Quantity:
        return Quantity._of(-self._nanos, self._format)

    # -- comparing: by amount only

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Quantity):
            return self._nanos == other._nanos
        return NotImplemented

    def __hash__(self) -> int:
        return hash(self._nanos)

    def __lt__(self, other: Quantity) -> bool:
        return self._nanos < other._nanos

    def __le__(self, other: Quantity) -> bool:
        return self._nanos <= other._nanos

    def __gt__(self, other: Quantity) -> bool:
        return self._nanos > other._nanos

    def __ge__(self, other: Quantity) -> bool:
        return self._nanos >= other._nanos

    def __bool__(self) -> bool:
        return self._nanos != 0

    # -- printing

    def __str__(self) -> str:
        return _canonical(self._nanos, self._format)

    def __repr__(self) -> str:
        return f"Quantity({str(self)!r})"

    def __reduce__(self) -> tuple[object, ...]:
        return (Quantity, (str(self),))


@functools.lru_cache(maxsize=4096)
def _canonical(nanos: int, fmt: QuantityFormat) -> str:
    """The canonical string of an amount, as Kubernetes prints it."""
    if nanos == 0:
        return "0"
    if fmt == BINARY_SI and abs(nanos) >= 1024 * _NANO and nanos % _NANO == 0:
        return _canonical_binary(nanos // _NANO)
    return _canonical_decimal(nanos, fmt)


def _canonical_binary(value: int) -> str:
    power = 0
    while value % 1024 == 0 and power < len(_BINARY_BY_POWER) - 1:
        value //= 1024
        power += 1
    return f"{value}{_BINARY_BY_POWER[power]}"


def _canonical_decimal(nanos: int, fmt: QuantityFormat) -> str:
    mantissa, exponent = nanos, -9
    while mantissa % 10 == 0:
        mantissa //= 10
        exponent += 1
    # Kubernetes keeps the exponent a multiple of three, growing the mantissa to get there.
    shift = exponent % 3
    mantissa *= 10**shift
    exponent -= shift
    if fmt == DECIMAL_EXPONENT:
        return f"{mantissa}e{exponent}" if exponent else str(mantissa)
    if exponent > 18:  # beyond "E": the extra zeros go into the mantissa
        mantissa *= 10 ** (exponent - 18)
        exponent = 18
    return f"{mantissa}{_DECIMAL_BY_EXPONENT[exponent]}"
