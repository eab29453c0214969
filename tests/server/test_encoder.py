"""The encoder alone: any object answered in protobuf or JSON, alone, in a list or in a watch
event, reads back as the object, and the protobuf envelopes are Kubernetes' byte for byte."""

from __future__ import annotations

import json
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from kube_actors.api import (
    CustomResourceDefinition,
    ObjectList,
    Pod,
    WatchEvent,
    from_dict,
    kind_info,
    to_dict,
)
from kube_actors.api._protobuf import _message_class, _object, decode_protobuf
from kube_actors.server._encode import Encoder
from kube_actors.server._negotiate import JSON, PROTOBUF, Encoding
from kube_actors.server._protobuf_wire import field, frame, list_message
from kube_actors.server._watch import _encode
from kube_actors.testing import strategies as ks

from .test_encodings import WATCH_EVENT
from .test_protobuf import OBJECTS


@given(OBJECTS)
def test_any_object_answered_in_protobuf_or_json_reads_back(obj: Any) -> None:
    info, encoder = kind_info(obj), Encoder()
    for stored in (False, True, True):  # encoded afresh, then through the cache
        as_protobuf = encoder.object(info, obj, Encoding(PROTOBUF), stored=stored)
        assert from_dict(decode_protobuf(as_protobuf)) == obj
        assert json.loads(encoder.object(info, obj, Encoding(JSON), stored=stored)) == to_dict(obj)


@given(st.lists(ks.pods(), max_size=4))
def test_a_list_in_protobuf_holds_each_item(pods: list[Any]) -> None:
    info = kind_info(Pod)
    page = ObjectList(items=tuple(pods), resource_version="42", continue_token="next")
    listed = decode_protobuf(Encoder().list(info, page, Encoding(PROTOBUF)))
    assert listed["metadata"] == {"resourceVersion": "42", "continue": "next"}
    items = [
        from_dict({"apiVersion": "v1", "kind": "Pod", **item}) for item in listed.get("items", [])
    ]
    assert items == pods
    as_json = json.loads(Encoder().list(info, page, Encoding(JSON)))
    assert as_json["items"] == [
        {k: v for k, v in to_dict(p).items() if k not in ("apiVersion", "kind")} for p in pods
    ]


def test_length_delimited_fields_and_frames_are_protobufs_wire_format() -> None:
    assert field(1, b"ab") == b"\x0a\x02ab"
    assert field(2, b"x" * 300)[:3] == b"\x12\xac\x02"  # 300 as a varint
    assert list_message(b"", [b"A", b"B"]) == b"\x0a\x00\x12\x01A\x12\x01B"
    assert frame(b"abc") == b"\x00\x00\x00\x03abc"


@given(ks.pods())
def test_a_watch_event_in_json_is_one_line(pod: Pod) -> None:
    line = Encoder().watch_event(
        kind_info(pod), WatchEvent(type="ADDED", obj=pod), Encoding(), None
    )
    assert line.endswith(b"}\n")
    assert line.count(b"\n") == 1
    event = json.loads(line)
    assert (event["type"], event["object"]) == ("ADDED", to_dict(pod))


def test_a_metadata_watchs_bookmark_of_a_kind_without_a_message_is_partial_metadata() -> None:
    bookmark = WatchEvent(type="BOOKMARK", resource_version="7")
    encoding = Encoding(PROTOBUF, "PartialObjectMetadata")
    data = _encode(Encoder(), kind_info(CustomResourceDefinition), bookmark, encoding, "")
    message = _message_class(WATCH_EVENT)()
    message.ParseFromString(data[4:])
    event = _object(message, WATCH_EVENT)
    assert event["type"] == "BOOKMARK"
    assert event["object"] == {
        "apiVersion": "meta.k8s.io/v1",
        "kind": "PartialObjectMetadata",
        "metadata": {"resourceVersion": "7"},
    }
