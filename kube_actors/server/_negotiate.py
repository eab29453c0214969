"""Content negotiation: which encoding an answer takes, read from the request's ``Accept``.

The server encodes in JSON, YAML and Kubernetes' protobuf, in that order of preference: no
``Accept`` (or ``*/*``) gets JSON. Clauses are tried by descending q-value, a specific type
before a wildcard, and within that in the order the client wrote them; the first clause the
server can serve wins, as in Kubernetes' ``NegotiateMediaTypeOptions``. A clause may ask for a
conversion in ``meta.k8s.io`` ``v1`` or ``v1beta1``: ``as=Table`` (what ``kubectl get`` asks
for), served in JSON or YAML only, or ``as=PartialObjectMetadata`` and
``as=PartialObjectMetadataList`` (metadata-only clients), served in all three for every kind.
A conversion the server does not know makes the clause unservable, and so does a ``stream``
other than ``watch``. When no clause can be served the answer is 406 with
Kubernetes' words (``only the following media types are accepted: ...``).

Kinds without a protobuf message (a CustomResourceDefinition's kinds, as in Kubernetes, and
user kinds registered in Python) are served in JSON and YAML only: asking them for protobuf
alone is a 406. A watch has no YAML framing: a watch whose best clause is YAML is a 406 too.

One departure, written down in the fidelity table: a clause with ``q=0`` is "not acceptable"
(RFC 9110) and is skipped, where Kubernetes' parser would still serve it.
"""

from __future__ import annotations

import functools
from typing import Final, Literal

import attrs

from kube_actors.errors import NotAcceptable

__all__ = [
    "JSON",
    "PROTOBUF",
    "YAML",
    "Conversion",
    "Encoding",
    "MediaType",
    "negotiate",
    "negotiate_error",
    "negotiate_stream",
]

MediaType = Literal["application/json", "application/yaml", "application/vnd.kubernetes.protobuf"]
JSON: Final = "application/json"
YAML: Final = "application/yaml"
PROTOBUF: Final = "application/vnd.kubernetes.protobuf"
_SERVED: Final[tuple[MediaType, ...]] = (JSON, YAML, PROTOBUF)
_STREAMED: Final[tuple[MediaType, ...]] = (JSON, PROTOBUF)
_META_VERSIONS: Final = frozenset({("meta.k8s.io", "v1"), ("meta.k8s.io", "v1beta1")})


#: What a clause's ``as=`` may ask for.
Conversion = Literal["", "Table", "PartialObjectMetadata", "PartialObjectMetadataList"]
_PARTIAL: Final = frozenset({"PartialObjectMetadata", "PartialObjectMetadataList"})


@attrs.frozen
class Encoding:
    """What an answer is written in: a media type and a conversion (``as=Table`` for
    ``kubectl get``, ``as=PartialObjectMetadata(List)`` for metadata-only clients) in
    ``meta.k8s.io`` of ``meta_version``."""

    media_type: MediaType = JSON
    convert: Conversion = ""
    meta_version: str = "v1"

    @property
    def table(self) -> bool:
        return self.convert == "Table"

    @property
    def meta_api_version(self) -> str:
        return f"meta.k8s.io/{self.meta_version}"


DEFAULT: Final = Encoding()


@attrs.frozen
class _Clause:
    type: str
    subtype: str
    q: float
    params: dict[str, str]


def _clauses(accept: str) -> list[_Clause]:
    """The clauses of an ``Accept`` header, best first (a stable sort: ties keep their order)."""
    clauses = []
    for part in accept.split(","):
        media_range, *params = part.strip().split(";")
        type_, _, subtype = media_range.strip().partition("/")
        type_, subtype = type_.strip().lower(), subtype.strip().lower()
        if type_ == "*" and not subtype:
            subtype = "*"
        if not type_ or not subtype:
            continue
        q, named = 1.0, {}
        for param in params:
            key, equals, value = param.partition("=")
            if not equals:
                continue
            key, value = key.strip(), value.strip()
            if key == "q":
                try:
                    q = float(value)
                except ValueError:
                    q = 0.0
            else:
                named[key] = value
        if q > 0:
            clauses.append(_Clause(type_, subtype, q, named))
    clauses.sort(key=lambda c: (-c.q, c.type == "*", c.subtype == "*"))
    return clauses


def _matches(clause: _Clause, media_type: str) -> bool:
    type_, _, subtype = media_type.partition("/")
    if clause.type == "*" and clause.subtype == "*":
        return True
    return clause.type == type_ and clause.subtype in (subtype, "*")


def _serve(
    clause: _Clause, media_type: MediaType, allowed: tuple[MediaType, ...], *, convert: bool
) -> Encoding | None:
    """The encoding a clause asks of ``media_type``, or None if it cannot be served."""
    params = clause.params
    stream = params.get("stream", "")
    if stream and (stream != "watch" or media_type not in _STREAMED):
        return None
    if "as" in params or "g" in params or "v" in params:
        group_version = (params.get("g", ""), params.get("v", ""))
        target = params.get("as", "")
        if not convert or group_version not in _META_VERSIONS:
            return None
        # Tables are served in JSON and YAML only, as Kubernetes does; an object's metadata
        # in all three, whatever its kind; nothing else converts.
        if target == "Table" and media_type != PROTOBUF:
            return Encoding(media_type, "Table", group_version[1])
        if target in _PARTIAL:
            return Encoding(media_type, target, group_version[1])  # type: ignore[arg-type]
        return None
    if media_type not in allowed:
        return None
    return Encoding(media_type)


# Cached: a client sends the same few Accept headers on every request.
@functools.lru_cache(maxsize=256)
def _pick(accept: str, allowed: tuple[MediaType, ...], *, convert: bool = True) -> Encoding | None:
    if not accept.strip():
        return DEFAULT
    for clause in _clauses(accept):
        for media_type in _SERVED:
            if _matches(clause, media_type):
                encoding = _serve(clause, media_type, allowed, convert=convert)
                if encoding is not None:
                    return encoding
    return None


def _refuse(media_types: tuple[str, ...]) -> NotAcceptable:
    listed = ", ".join(media_types)
    return NotAcceptable(f"only the following media types are accepted: {listed}")


def negotiate(accept: str, *, protobuf: bool = True) -> Encoding:
    """The encoding of an answer to ``accept``; ``protobuf`` False for a kind that has no
    protobuf message. NotAcceptable when nothing the client accepts can be served."""
    allowed = _SERVED if protobuf else (JSON, YAML)
    encoding = _pick(accept, allowed)
    if encoding is None:
        # Kubernetes lists every media type of the serializer here, protobuf included even
        # for a custom resource (its serializer writes Status and metadata in protobuf).
        raise _refuse(_SERVED)
    return encoding


def negotiate_stream(accept: str, *, protobuf: bool = True) -> Encoding:
    """The encoding of a watch: JSON lines or length-prefixed protobuf frames."""
    best = _pick(accept, _SERVED if protobuf else (JSON, YAML))
    if best is None or best.media_type not in _STREAMED:
        # As in Kubernetes: the best servable clause decides, and YAML has no stream framing.
        raise _refuse(tuple(f"{media_type};stream=watch" for media_type in _STREAMED))
    return best


def negotiate_error(accept: str) -> Encoding:
    """The encoding of a ``Status``: any of the three without conversion; JSON when none fits."""
    return _pick(accept, _SERVED, convert=False) or DEFAULT
