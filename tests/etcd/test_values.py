"""Values as kube-apiserver writes them to etcd: protobuf (``k8s\\x00`` and a
``runtime.Unknown``) for Kubernetes' kinds, the JSON manifest for custom resources; the SQLite
store keeps JSON manifests; every store reads all of them."""

from __future__ import annotations

import base64
import copy
import json
from collections.abc import Iterator
from typing import Any

import anyio
import attrs
import pytest
from hypothesis import given, settings

from kube_actors.api import from_dict, kind_info, kinds
from kube_actors.api._protobuf import MAGIC, decode_protobuf
from kube_actors.apiserver._keys import object_key
from kube_actors.cluster import Cluster
from kube_actors.etcd._codec import decode_value, encode_value
from kube_actors.testing import EtcdServers, deployment, etcd_servers
from tests.api.test_crd_validation import GOOD
from tests.server.test_protobuf import OBJECTS

from .conftest import need_etcdctl
from .test_remote import _need_etcd

#: Kinds written as JSON even in etcd: Kubernetes has no message for them in the table
#: (CRDs: apiextensions' own package; metrics are never stored).
_JSON_KINDS = {"CustomResourceDefinition", "PodMetrics", "NodeMetrics"}


@pytest.fixture
def etcd() -> Iterator[EtcdServers]:
    _need_etcd()
    with etcd_servers(1) as servers:
        yield servers


def _minimal(info: Any) -> Any:
    """An object of the kind as the apiserver would store it: metadata, and its defaults."""
    meta = {
        "name": "x",
        "uid": "0b7c8a3e-6f1d-4c47-9a55-0d2a2b1e8c11",
        "creationTimestamp": "2026-01-02T03:04:05Z",
        "labels": {"app": "x"},
    }
    if info.namespaced:
        meta["namespace"] = "default"
    obj = from_dict({"apiVersion": info.api_version, "kind": info.kind, "metadata": meta})
    return info.default(obj) if info.default is not None else obj


def _kubernetes(group: str) -> bool:
    """Whether a group is Kubernetes' own (other tests register kinds of their groups in
    Python, process-wide: those are stored as JSON, like custom resources)."""
    return "." not in group or group.endswith(".k8s.io")


@pytest.mark.parametrize(
    "info",
    [
        k
        for k in kinds()
        if k.stored_as is None and k.kind != "CustomResourceDefinition" and _kubernetes(k.group)
    ],
    ids=lambda k: f"{k.group}/{k.kind}",
)
def test_every_built_in_kind_round_trips_through_the_etcd_encoding(info: Any) -> None:
    obj = _minimal(info)
    data = encode_value(obj, protobuf=True)
    assert data.startswith(b"{" if info.kind in _JSON_KINDS else MAGIC)
    assert decode_value(data, key="/registry/x", revision=7) == obj
    assert decode_value(encode_value(obj), key="/registry/x", revision=7) == obj  # JSON too


@settings(max_examples=25)
@given(OBJECTS)
def test_drawn_objects_round_trip_through_the_etcd_encoding(obj: Any) -> None:
    data = encode_value(obj, protobuf=True)
    assert data.startswith(MAGIC)
    assert decode_value(data, key="/registry/x", revision=1) == obj


def test_crds_and_custom_objects_are_json_in_etcd_too() -> None:
    crd = from_dict(copy.deepcopy(GOOD))
    data = encode_value(crd, protobuf=True)
    assert data.startswith(b"{")
    assert decode_value(data, key="/registry/x", revision=1) == crd


def test_the_sqlite_encoding_stays_json() -> None:
    obj = _minimal(next(k for k in kinds() if k.kind == "Pod"))
    assert encode_value(obj).startswith(b"{")


async def test_etcdctl_reads_the_envelope_and_it_decodes_to_the_served_object(
    etcd: EtcdServers,
) -> None:
    need_etcdctl()
    async with Cluster(store=etcd.url, nodes=1, clock="virtual") as cluster:
        await cluster.apply(deployment("web", 2))
        await cluster.settle()
        served = {
            f"{type(o).__name__}/{o.metadata.name}": o
            for kind in ("Pod", "ReplicaSet", "Deployment", "Node")
            for o in await cluster.client.list(
                next(k.cls for k in kinds() if k.kind == kind and k.group in ("", "apps"))
            )
        }
    etcdctl = ["etcdctl", f"--endpoints={etcd.endpoints[0]}", "-w", "json"]
    result = await anyio.run_process([*etcdctl, "get", "--prefix", "/registry/"])
    stored = json.loads(result.stdout)["kvs"]
    values = {base64.b64decode(kv["key"]).decode(): base64.b64decode(kv["value"]) for kv in stored}
    assert len(values) > len(served)
    for key, value in values.items():
        assert value.startswith(MAGIC), key  # no custom resources here: all protobuf
    for name, obj in served.items():
        meta = obj.metadata
        key = object_key(kind_info(obj), meta.namespace, meta.name)
        decoded = from_dict(decode_protobuf(values[key]))
        assert type(decoded) is type(obj), name
        # The served object carries its resourceVersion, the mod revision of its key.
        served_rv = attrs.evolve(decoded.metadata, resource_version=meta.resource_version)
        assert attrs.evolve(decoded, metadata=served_rv) == obj, name
