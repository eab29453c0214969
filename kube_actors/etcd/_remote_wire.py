"""The store's requests and answers as etcd's v3 protobuf messages, and back.

Keys are ``str`` here and UTF-8 bytes in etcd, which compare in the same order, so ranges
keep their meaning. Values are written as kube-apiserver writes them by default (``_codec``):
protobuf for Kubernetes' kinds, the JSON manifest for custom resources.

A value this process wrote is remembered for a while (``Recent``): reading it back, or
receiving its watch event, gives the very object that was put instead of decoding a copy,
as the memory store does; the apiserver counts on that to build an answer once.
"""

from __future__ import annotations

from typing import Any

from aetcd import rpc  # type: ignore[import-untyped]

from ._codec import decode_value, encode_value
from ._keys import FROM_KEY
from ._messages import Compare, CompareTarget, DeleteRange, Put, Range, Txn, TxnOp
from ._responses import DeleteRangeResponse, OpResponse, PutResponse, RangeResponse, TxnResponse
from ._types import EventType, KeyEvent, KeyValue, tombstone

__all__ = [
    "Recent",
    "compare_pb",
    "delete_pb",
    "key_bytes",
    "put_pb",
    "range_pb",
    "txn_pb",
]

_RESULTS = {"=": 0, ">": 1, "<": 2, "!=": 3}  # etcd's Compare.CompareResult
_TARGETS = {
    CompareTarget.VERSION: 0,
    CompareTarget.CREATE: 1,
    CompareTarget.MOD: 2,
    CompareTarget.VALUE: 3,
    CompareTarget.LEASE: 4,
}
_TARGET_FIELDS = {
    CompareTarget.VERSION: "version",
    CompareTarget.CREATE: "create_revision",
    CompareTarget.MOD: "mod_revision",
    CompareTarget.LEASE: "lease",
}


def key_bytes(key: str) -> bytes:
    # etcd refuses an empty key; with range_end "\0", key "\0" is its spelling of "every key".
    return key.encode() if key else b"\0"


def range_end_bytes(range_end: str | None) -> bytes:
    # etcd spells "every key from key" b"\0" as we do, and "key alone" as no range_end.
    if not range_end:
        return b""
    return b"\0" if range_end == FROM_KEY else range_end.encode()


class Recent:
    """The values this process put lately, by (key, mod revision): at most ``size``."""

    def __init__(self, size: int = 20_000) -> None:
        self._values: dict[tuple[str, int], object] = {}
        self._size = size

    def remember(self, key: str, revision: int, value: object) -> None:
        values = self._values
        values[key, revision] = value
        if len(values) > self._size:
            del values[next(iter(values))]  # the oldest: dicts keep insertion order

    def kv(self, pb: Any, *, keys_only: bool = False) -> KeyValue:
        """A ``KeyValue`` of etcd's ``mvccpb.KeyValue`` (a live one: version > 0)."""
        key = pb.key.decode()
        revision = pb.mod_revision
        value = None if keys_only else self._values.get((key, revision), _MISSING)
        if value is _MISSING:
            value = decode_value(pb.value, key=key, revision=revision)
        return KeyValue(
            key=key,
            value=value,
            create_revision=pb.create_revision,
            mod_revision=revision,
            version=pb.version,
            lease=pb.lease,
        )

    def event(self, pb: Any) -> KeyEvent:
        """A ``KeyEvent`` of etcd's ``mvccpb.Event``."""
        prev = self.kv(pb.prev_kv) if pb.HasField("prev_kv") and pb.prev_kv.version else None
        if pb.type == 1:  # DELETE: etcd sends the key and the delete's revision only
            kv = tombstone(pb.kv.key.decode(), pb.kv.mod_revision)
            return KeyEvent(type=EventType.DELETE, kv=kv, prev_kv=prev)
        return KeyEvent(type=EventType.PUT, kv=self.kv(pb.kv), prev_kv=prev)

    def range_response(self, pb: Any, revision: int, *, keys_only: bool = False) -> RangeResponse:
        return RangeResponse(
            revision=revision,
            kvs=tuple(self.kv(kv, keys_only=keys_only) for kv in pb.kvs),
            count=pb.count,
            more=pb.more,
        )

    def txn_response(self, request: Txn, pb: Any) -> TxnResponse:
        revision = pb.header.revision
        ops = request.success if pb.succeeded else request.failure
        responses: list[OpResponse] = []
        for op, response in zip(ops, pb.responses, strict=True):
            if isinstance(op, Range):
                responses.append(
                    self.range_response(response.response_range, revision, keys_only=op.keys_only)
                )
            elif isinstance(op, Put):
                self.remember(op.key, revision, op.value)
                responses.append(self.put_response(response.response_put, revision))
            else:
                responses.append(self.delete_response(response.response_delete_range, revision))
        return TxnResponse(revision=revision, succeeded=pb.succeeded, responses=tuple(responses))

    def put_response(self, pb: Any, revision: int) -> PutResponse:
        prev = self.kv(pb.prev_kv) if pb.HasField("prev_kv") and pb.prev_kv.version else None
        return PutResponse(revision=revision, prev_kv=prev)

    def delete_response(self, pb: Any, revision: int) -> DeleteRangeResponse:
        return DeleteRangeResponse(
            revision=revision,
            deleted=pb.deleted,
            prev_kvs=tuple(self.kv(kv) for kv in pb.prev_kvs),
        )


_MISSING = object()


def range_pb(request: Range) -> Any:
    return rpc.RangeRequest(
        key=key_bytes(request.key),
        range_end=range_end_bytes(request.range_end),
        revision=request.revision,
        limit=request.limit,
        keys_only=request.keys_only,
        count_only=request.count_only,
    )


def put_pb(request: Put) -> Any:
    return rpc.PutRequest(
        key=key_bytes(request.key),
        value=encode_value(request.value, protobuf=True),
        lease=request.lease,
        prev_kv=request.prev_kv,
    )


def delete_pb(request: DeleteRange) -> Any:
    return rpc.DeleteRangeRequest(
        key=key_bytes(request.key),
        range_end=range_end_bytes(request.range_end),
        prev_kv=request.prev_kv,
    )


def compare_pb(compare: Compare) -> Any:
    target = compare.target
    fields: dict[str, Any] = {
        "result": _RESULTS[compare.op],
        "target": _TARGETS[target],
        "key": key_bytes(compare.key),
        "range_end": range_end_bytes(compare.range_end),
    }
    if target is CompareTarget.VALUE:
        fields["value"] = encode_value(compare.operand, protobuf=True)
    else:
        fields[_TARGET_FIELDS[target]] = compare.operand
    return rpc.Compare(**fields)


def _op_pb(op: TxnOp) -> Any:
    if isinstance(op, Range):
        return rpc.RequestOp(request_range=range_pb(op))
    if isinstance(op, Put):
        return rpc.RequestOp(request_put=put_pb(op))
    return rpc.RequestOp(request_delete_range=delete_pb(op))


def txn_pb(request: Txn) -> Any:
    for compare in request.compare:
        if compare.target is CompareTarget.VALUE and compare.op in ("<", ">"):
            # etcd orders the encoded bytes, which is not the order of the values.
            raise ValueError(
                "the etcd store compares values for equality only, not with "
                f"{compare.op!r}: compare a revision or a version instead"
            )
    return rpc.TxnRequest(
        compare=[compare_pb(c) for c in request.compare],
        success=[_op_pb(op) for op in request.success],
        failure=[_op_pb(op) for op in request.failure],
    )
