"""Protobuf request bodies: what kubectl's typed generators send, read as manifests.

The fixtures are bodies the real kubectl 1.32 sent (``kubectl create deployment hello-nginx
--image=nginx`` and friends), captured from a kube_actors server.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kube_actors.api import from_dict
from kube_actors.api._protobuf import MAGIC, _message_class, decode_protobuf
from kube_actors.api._protobuf_encode import encode_protobuf
from kube_actors.errors import BadRequest
from kube_actors.testing import strategies as ks

FIXTURES = Path(__file__).parent / "fixtures"


def fixture(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def test_kubectl_create_deployment_decodes_to_its_manifest() -> None:
    manifest = decode_protobuf(fixture("create-deployment-hello-nginx.pb"))
    assert manifest == {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": "hello-nginx", "labels": {"app": "hello-nginx"}},
        "spec": {
            "replicas": 1,
            "selector": {"matchLabels": {"app": "hello-nginx"}},
            "template": {
                "metadata": {"labels": {"app": "hello-nginx"}},
                "spec": {"containers": [{"name": "nginx", "image": "nginx", "resources": {}}]},
            },
            "strategy": {},
        },
        "status": {},
    }
    assert from_dict(manifest).spec.template.spec.containers[0].image == "nginx"


def test_replicas_and_ports_keep_their_values() -> None:
    spec = decode_protobuf(fixture("create-deployment-d2-replicas-port.pb"))["spec"]
    assert spec["replicas"] == 3
    assert spec["template"]["spec"]["containers"][0]["ports"] == [{"containerPort": 80}]


def test_kubectl_create_service_reads_int_or_string_ports() -> None:
    manifest = decode_protobuf(fixture("create-service-nodeport-web.pb"))
    assert manifest["spec"] == {
        "ports": [{"name": "8080-80", "protocol": "TCP", "port": 8080, "targetPort": 80}],
        "selector": {"app": "web"},
        "type": "NodePort",
    }
    assert manifest["status"] == {"loadBalancer": {}}
    assert from_dict(manifest).spec.ports[0].target_port == 80


def test_kubectl_create_priorityclass_has_its_fields_at_the_top() -> None:
    manifest = decode_protobuf(fixture("create-priorityclass-pc1.pb"))
    assert manifest["value"] == 1000
    assert manifest["preemptionPolicy"] == "PreemptLowerPriority"
    assert "globalDefault" not in manifest  # false, non-pointer, omitempty: Go's JSON omits it


def envelope(api_version: str, kind: str, raw: bytes) -> bytes:
    unknown: Any = _message_class("k8s.io.apimachinery.pkg.runtime.Unknown")()
    unknown.f1.f1 = api_version
    unknown.f1.f2 = kind
    unknown.f2 = raw
    body: bytes = MAGIC + unknown.SerializeToString()
    return body


def test_zero_values_follow_gos_json_pointers_times_and_embedded_structs() -> None:
    deployment: Any = _message_class("k8s.io.api.apps.v1.Deployment")()
    deployment.f1.f1 = "web"
    deployment.f1.f8.f1 = 0  # creationTimestamp: Go's zero time
    deployment.f2.f1 = 0  # replicas: a pointer set to zero
    deployment.f2.f5 = 0  # minReadySeconds: an omitempty int at zero
    deployment.f2.f4.f2.f1.f1 = 1  # maxUnavailable as a string
    deployment.f2.f4.f2.f1.f3 = "25%"
    container = deployment.f2.f3.f2.f2.add()
    container.f1 = "app"
    container.f8.f2["cpu"].f1 = "250m"  # resources.requests
    env_from = container.f19.add()
    env_from.f2.f1.f1 = "settings"  # configMapRef's embedded LocalObjectReference
    deployment.f2.f3.f1.f9.f1 = 1_700_000_000  # a real deletionTimestamp
    manifest = decode_protobuf(envelope("apps/v1", "Deployment", deployment.SerializeToString()))
    spec = manifest["spec"]
    assert manifest["metadata"] == {"name": "web"}
    assert spec["replicas"] == 0
    assert "minReadySeconds" not in spec
    assert spec["strategy"] == {"rollingUpdate": {"maxUnavailable": "25%"}}
    assert spec["template"]["metadata"]["deletionTimestamp"] == "2023-11-14T22:13:20Z"
    (decoded,) = spec["template"]["spec"]["containers"]
    assert decoded["resources"] == {"requests": {"cpu": "250m"}}
    assert decoded["envFrom"] == [{"configMapRef": {"name": "settings"}}]


def test_secret_data_comes_out_as_base64() -> None:
    secret: Any = _message_class("k8s.io.api.core.v1.Secret")()
    secret.f1.f1 = "token"
    secret.f2["key"] = b"\x00value"
    manifest = decode_protobuf(envelope("v1", "Secret", secret.SerializeToString()))
    assert manifest["data"] == {"key": "AHZhbHVl"}


def test_a_body_without_the_magic_prefix_is_a_bad_request() -> None:
    with pytest.raises(BadRequest, match="does not appear to be a protobuf message"):
        decode_protobuf(b'{"kind": "Pod"}')


def test_a_kind_without_a_message_is_a_bad_request() -> None:
    with pytest.raises(BadRequest, match='no kind "Gizmo" is registered for version "v1"'):
        decode_protobuf(envelope("v1", "Gizmo", b""))


def test_a_truncated_message_is_a_bad_request() -> None:
    body = fixture("create-deployment-hello-nginx.pb")
    with pytest.raises(BadRequest, match="could not be decoded"):
        decode_protobuf(body[: len(body) // 2])


#: Objects of the kinds the shipped strategies draw, all of them with a protobuf message.
OBJECTS = st.one_of(
    ks.any_workload(),
    ks.pods(),
    ks.nodes(),
    ks.namespaces(),
    ks.service_accounts(),
    ks.priority_classes(),
    ks.leases(),
)


@settings(max_examples=25)
@given(ks.manifest_dicts(OBJECTS))
def test_any_object_encoded_and_decoded_is_the_object_again(manifest: dict[str, Any]) -> None:
    decoded = decode_protobuf(encode_protobuf(manifest))
    assert decoded["apiVersion"] == manifest["apiVersion"]
    assert from_dict(decoded) == from_dict(manifest)


def test_a_field_the_message_lacks_is_named() -> None:
    with pytest.raises(ValueError, match="'replica'"):
        encode_protobuf({"apiVersion": "apps/v1", "kind": "Deployment", "spec": {"replica": 1}})


def test_a_subject_access_reviews_extra_decodes_to_lists_of_strings() -> None:
    # ExtraValue is a message of ``items`` on the wire but a plain list in JSON, both ways
    # (kubectl sends SubjectAccessReviews in protobuf).
    extra = {"scopes": ["read", "write"], "team": ["infra"]}
    manifest = {
        "apiVersion": "authorization.k8s.io/v1",
        "kind": "SubjectAccessReview",
        "spec": {"user": "alice", "extra": extra},
    }
    assert decode_protobuf(encode_protobuf(manifest))["spec"]["extra"] == extra
