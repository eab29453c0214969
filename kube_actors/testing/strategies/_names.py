"""Names and labels as Kubernetes accepts them, and the knob helper every strategy uses."""

from __future__ import annotations

from typing import Any, TypeAlias, TypeVar

from hypothesis import strategies as st

__all__ = [
    "Knob",
    "as_strategy",
    "dns_labels",
    "iana_svc_names",
    "label_keys",
    "label_values",
    "labels",
    "names",
]

T = TypeVar("T")

#: A knob takes a plain value (``replicas=3``) or a strategy (``replicas=st.integers(0, 5)``).
Knob: TypeAlias = T | st.SearchStrategy[T]


def as_strategy(value: Any) -> st.SearchStrategy[Any]:
    """``value`` itself if it is a strategy, else a strategy that always gives it."""
    return value if isinstance(value, st.SearchStrategy) else st.just(value)


# Every public name here is a function returning a strategy, as hypothesis' own are
# (``dns_labels()`` like ``st.integers()``); the strategies are built once and shared.
_DNS_LABELS: st.SearchStrategy[str] = st.from_regex(
    r"[a-z]([-a-z0-9]{0,10}[a-z0-9])?", fullmatch=True
)
_IANA_SVC_NAMES: st.SearchStrategy[str] = st.lists(
    st.from_regex(r"[a-z][a-z0-9]{0,3}", fullmatch=True), min_size=1, max_size=3
).map("-".join)
_LABEL_KEYS: st.SearchStrategy[str] = st.one_of(
    _DNS_LABELS, st.builds(lambda prefix, name: f"{prefix}.io/{name}", _DNS_LABELS, _DNS_LABELS)
)
_LABEL_VALUES: st.SearchStrategy[str] = st.from_regex(
    r"([A-Za-z0-9]([-A-Za-z0-9_.]{0,8}[A-Za-z0-9])?)?", fullmatch=True
)


def dns_labels() -> st.SearchStrategy[str]:
    """DNS-1123 labels (also DNS-1035: they start with a letter), short enough to read."""
    return _DNS_LABELS


def iana_svc_names() -> st.SearchStrategy[str]:
    """IANA service names, what a named ``targetPort`` must be: at most 15 characters, a
    letter at least, and no "--" (which a DNS label allows)."""
    return _IANA_SVC_NAMES


def label_keys() -> st.SearchStrategy[str]:
    """Label keys: a name, sometimes behind a DNS prefix (``app.kubernetes.io/name``)."""
    return _LABEL_KEYS


def label_values() -> st.SearchStrategy[str]:
    """Label values (empty, or up to 10 characters of Kubernetes' allowed set)."""
    return _LABEL_VALUES


def labels(max_size: int = 3) -> st.SearchStrategy[dict[str, str]]:
    """Label sets of up to ``max_size`` entries."""
    return st.dictionaries(_LABEL_KEYS, _LABEL_VALUES, max_size=max_size)


def names(prefix: str = "") -> st.SearchStrategy[str]:
    """Object names (DNS-1123 labels); a ``prefix`` keeps them apart from existing ones."""
    return _DNS_LABELS.map(lambda name: f"{prefix}{name}"[:63].rstrip("-"))
