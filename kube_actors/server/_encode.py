"""Objects out: a stored object, a page of a list (a ``<Kind>List``), a ``Status`` and a watch
event, each in the negotiated encoding (JSON, YAML or Kubernetes' protobuf), and Tables (what
``kubectl get`` prints) in JSON or YAML.

A stored version is encoded once per encoding (``EncodedCache``) as a list item: in JSON the
object's fields without apiVersion and kind (a ``PodList``'s items carry neither), in protobuf
the kind's message alone. A single object is that item with its type spliced in front (JSON)
or wrapped in a ``runtime.Unknown`` (protobuf); a list is the items joined; a watch event
embeds the whole object. So a list of 10,000 Pods or a watch with many watchers encodes each
Pod once, not once per answer.

YAML is Kubernetes' JSON written as YAML with sorted keys (what ``sigs.k8s.io/yaml`` does);
it is rare on the wire and not cached.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Sequence
from typing import Any, Final

import orjson
import yaml

from kube_actors.actors import wall_clock
from kube_actors.api import KindInfo, ObjectList, WatchEvent, unstructure
from kube_actors.errors import NotAcceptable

from ..api._protobuf import message_name
from ..api._protobuf_encode import encode_message, encode_protobuf, wrap_unknown
from ._encoded_cache import EncodedCache
from ._negotiate import JSON, PROTOBUF, Encoding
from ._protobuf_wire import frame, list_message, watch_event
from ._tables import check_include_object, table_for

__all__ = ["Encoder", "dumps", "encode_as", "has_protobuf"]

_EMPTY: Final = b"{}"
_PARTIAL_KIND: Final = "meta.k8s.io/v1/PartialObjectMetadata"


def dumps(body: Any) -> bytes:
    """Compact JSON, as Kubernetes writes it (UTF-8, not escaped). orjson writes it some ten
    times faster than the standard library, which matters for the first encoding of each
    stored version; what orjson refuses (an integer beyond 64 bits in a custom resource)
    goes through the standard library."""
    try:
        return orjson.dumps(body)
    except TypeError:
        return json.dumps(body, separators=(",", ":"), ensure_ascii=False).encode()


def _yaml(body: Any) -> bytes:
    return yaml.safe_dump(body, sort_keys=True, default_flow_style=False).encode()


def encode_as(body: dict[str, Any], encoding: Encoding) -> bytes:
    """A manifest dict that is not a stored version (a Status, a Table, a Scale), written in
    ``encoding``; protobuf only for a kind that has a message."""
    if encoding.media_type == PROTOBUF:
        return encode_protobuf(body)
    return dumps(body) if encoding.media_type == JSON else _yaml(body)


def has_protobuf(info: KindInfo) -> bool:
    """Whether ``info``'s kind is served in protobuf: a built-in kind with a message. A
    CustomResourceDefinition's kinds are not, as in Kubernetes; nor are kinds registered in
    Python."""
    return not getattr(info.cls, "defined_by_crd", False) and _has_message(
        info.api_version, info.kind
    )


@functools.cache
def _has_message(api_version: str, kind: str) -> bool:
    return message_name(api_version, kind) is not None


def _go_type(info: KindInfo, kind: str) -> str:
    """How Go names the type in Kubernetes' messages: ``v1.PodList``."""
    return f"{info.api_version.rpartition('/')[2]}.{kind}"


@functools.cache
def _json_type(api_version: str, kind: str) -> bytes:
    """``{"apiVersion":"v1","kind":"Pod"`` (no closing brace): what an item is spliced after."""
    return dumps({"apiVersion": api_version, "kind": kind})[:-1]


def _splice(type_prefix: bytes, item: bytes) -> bytes:
    """An item's JSON (``{"metadata":...}``) with the type in front."""
    if item == _EMPTY:
        return type_prefix + b"}"
    return type_prefix + b"," + item[1:]


def _list_meta(page: ObjectList) -> dict[str, Any]:
    metadata: dict[str, Any] = {"resourceVersion": page.resource_version}
    if page.continue_token:
        metadata["continue"] = page.continue_token
    if page.remaining_item_count is not None:
        metadata["remainingItemCount"] = page.remaining_item_count
    return metadata


class Encoder:
    """Writes answers in an ``Encoding``, stored versions through one ``EncodedCache``."""

    def __init__(self, cache: EncodedCache | None = None) -> None:
        self.cache = cache if cache is not None else EncodedCache()

    # ----------------------------------------------------------------- items (cached)

    def _item_json(self, obj: Any, *, stored: bool) -> bytes:
        if not stored:
            return dumps(unstructure(obj))
        return self.cache.encoded(obj, "json", lambda o: dumps(unstructure(o)))

    def _metadata_json(self, obj: Any, *, stored: bool = True) -> bytes:
        """The object's metadata alone: what a Table row carries (kubectl get's
        ``includeObject=Metadata``) and a PartialObjectMetadata."""
        if not stored:
            return dumps(unstructure(obj.metadata))
        return self.cache.encoded(obj, "json-metadata", lambda o: dumps(unstructure(o.metadata)))

    def _partial_protobuf(self, obj: Any, *, stored: bool) -> bytes:
        def encode(o: Any) -> bytes:
            return encode_message({"metadata": unstructure(o.metadata)}, kind=_PARTIAL_KIND)

        return self.cache.encoded(obj, "protobuf-metadata", encode) if stored else encode(obj)

    def _partial(self, obj: Any, encoding: Encoding, *, stored: bool) -> bytes:
        """A ``PartialObjectMetadata``: the object's metadata, whatever its kind."""
        if encoding.media_type == PROTOBUF:
            raw = self._partial_protobuf(obj, stored=stored)
            return wrap_unknown(encoding.meta_api_version, "PartialObjectMetadata", raw)
        head = _json_type(encoding.meta_api_version, "PartialObjectMetadata")
        body = head + b',"metadata":' + self._metadata_json(obj, stored=stored) + b"}"
        return body if encoding.media_type == JSON else _yaml(json.loads(body))

    def _row_object(self, info: KindInfo, obj: Any, include: str) -> bytes:
        if include == "Object":
            return _splice(
                _json_type(info.api_version, info.kind), self._item_json(obj, stored=True)
            )
        head = _json_type("meta.k8s.io/v1", "PartialObjectMetadata")
        return head + b',"metadata":' + self._metadata_json(obj) + b"}"

    def _item_protobuf(self, info: KindInfo, obj: Any, *, stored: bool) -> bytes:
        kind = f"{info.api_version}/{info.kind}"

        def encode(o: Any) -> bytes:
            return encode_message(unstructure(o), kind=kind)

        return self.cache.encoded(obj, "protobuf", encode) if stored else encode(obj)

    # ------------------------------------------------------------------------ answers

    def object(self, info: KindInfo, obj: Any, encoding: Encoding, *, stored: bool) -> bytes:
        """One object. ``stored``: it is a version of the store (a read's answer, or a
        write's that was no dry run), so its encodings may be cached."""
        if encoding.convert == "PartialObjectMetadata":
            return self._partial(obj, encoding, stored=stored)
        if encoding.convert == "PartialObjectMetadataList":
            raise NotAcceptable(
                "you requested PartialObjectMetadataList, but the requested object is not a "
                f"list (*{_go_type(info, info.kind)})"
            )
        if encoding.media_type == PROTOBUF:
            raw = self._item_protobuf(info, obj, stored=stored)
            return wrap_unknown(info.api_version, info.kind, raw)
        item = self._item_json(obj, stored=stored)
        body = _splice(_json_type(info.api_version, info.kind), item)
        return body if encoding.media_type == JSON else _yaml(json.loads(body))

    def list(self, info: KindInfo, page: ObjectList, encoding: Encoding) -> bytes:
        """A ``<Kind>List``: items without their own apiVersion/kind, as Kubernetes writes
        them, and the page's resourceVersion, continue token and remaining count."""
        list_kind = f"{info.kind}List"
        if encoding.convert == "PartialObjectMetadata":
            raise NotAcceptable(
                "you requested PartialObjectMetadata, but the requested object is a list "
                f"(*{_go_type(info, list_kind)})"
            )
        if encoding.convert == "PartialObjectMetadataList":
            return self._partial_list(page, encoding)
        if encoding.media_type == PROTOBUF:
            meta = encode_message(_list_meta(page), kind="meta.k8s.io/v1/ListMeta")
            raws = [self._item_protobuf(info, obj, stored=True) for obj in page.items]
            return wrap_unknown(info.api_version, list_kind, list_message(meta, raws))
        head = {"kind": list_kind, "apiVersion": info.api_version, "metadata": _list_meta(page)}
        items = b",".join(self._item_json(obj, stored=True) for obj in page.items)
        body = dumps(head)[:-1] + b',"items":[' + items + b"]}"
        return body if encoding.media_type == JSON else _yaml(json.loads(body))

    def _partial_list(self, page: ObjectList, encoding: Encoding) -> bytes:
        """A ``PartialObjectMetadataList``; its items carry their kind, as Kubernetes'."""
        api_version, list_kind = encoding.meta_api_version, "PartialObjectMetadataList"
        if encoding.media_type == PROTOBUF:
            meta = encode_message(_list_meta(page), kind="meta.k8s.io/v1/ListMeta")
            raws = [self._partial_protobuf(obj, stored=True) for obj in page.items]
            return wrap_unknown(api_version, list_kind, list_message(meta, raws))
        head = {"kind": list_kind, "apiVersion": api_version, "metadata": _list_meta(page)}
        item_head = _json_type(api_version, "PartialObjectMetadata") + b',"metadata":'
        items = b",".join(item_head + self._metadata_json(obj) + b"}" for obj in page.items)
        body = dumps(head)[:-1] + b',"items":[' + items + b"]}"
        return body if encoding.media_type == JSON else _yaml(json.loads(body))

    def table(
        self,
        info: KindInfo,
        objects: Sequence[Any],
        encoding: Encoding,
        *,
        resource_version: str = "",
        continue_token: str = "",
        include_object: str = "",
    ) -> bytes:
        """A Table (JSON or YAML) of ``objects``: the cells computed now, each row's object
        (its metadata, or all of it) from the cache."""
        include = include_object or "Metadata"
        check_include_object(include)
        table = table_for(
            info.cls,
            objects,
            wall_clock(),
            include_object="None",
            resource_version=resource_version,
            continue_token=continue_token,
        )
        table["apiVersion"] = encoding.meta_api_version  # v1beta1 when asked for it
        rows = table.pop("rows")
        if include != "None":
            rows = [
                dumps(row)[:-1] + b',"object":' + self._row_object(info, obj, include) + b"}"
                for row, obj in zip(rows, objects, strict=True)
            ]
        else:
            rows = [dumps(row) for row in rows]
        body = dumps(table)[:-1] + b',"rows":[' + b",".join(rows) + b"]}"
        return body if encoding.media_type == JSON else _yaml(json.loads(body))

    def watch_event(
        self, info: KindInfo, event: WatchEvent, encoding: Encoding, embedded: bytes | None
    ) -> bytes:
        """One framed event: a JSON line, or a length-prefixed protobuf ``WatchEvent``.
        ``embedded`` is what the event carries, already in ``encoding``, when it is not the
        stored object (a Status, a bookmark, a one-row Table); None for the object itself."""
        inner = embedded
        if inner is None:
            # A DELETED event may carry an object that is no stored version: the previous
            # version stamped with the revision of the change that took it out of a
            # selector's reach, while that revision's true version is what others see.
            # Kubernetes' cacher does not cache those either.
            stored = event.type != "DELETED"
            inner = self.object(info, event.obj, encoding, stored=stored)
        if encoding.media_type == PROTOBUF:
            return frame(watch_event(event.type, inner))
        return b'{"type":"' + event.type.encode() + b'","object":' + inner + b"}\n"
