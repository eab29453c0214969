"""OpenAPI v3: the index, the documents and their hashes, generated from the kind registry."""

from __future__ import annotations

import json
import re
from typing import Any, ClassVar

import attrs

from kube_actors.api import IntOrString, ObjectMeta, kinds, register_kind
from kube_actors.api._custom_kind import register_custom_kind
from kube_actors.server import openapi_v3_document, openapi_v3_hash, openapi_v3_index
from kube_actors.server._markers import ENUMS, REQUIRED
from tests.crd_kinds import stop_serving

APPS = "io.k8s.api.apps.v1"
CORE = "io.k8s.api.core.v1"
META = "io.k8s.apimachinery.pkg.apis.meta.v1"


def schema(document: dict[str, Any], name: str) -> dict[str, Any]:
    found: dict[str, Any] = document["components"]["schemas"][name]
    return found


def test_the_index_lists_each_group_version_with_its_hash() -> None:
    paths = openapi_v3_index()["paths"]
    assert paths["api/v1"]["serverRelativeURL"] == (
        f"/openapi/v3/api/v1?hash={openapi_v3_hash('', 'v1')}"
    )
    assert paths["apis/apps/v1"]["serverRelativeURL"].startswith("/openapi/v3/apis/apps/v1?hash=")
    assert "apis/scheduling.k8s.io/v1" in paths
    prefixed = openapi_v3_index("/k8s")["paths"]["apis/batch/v1"]["serverRelativeURL"]
    assert prefixed.startswith("/k8s/openapi/v3/apis/batch/v1?hash=")


def test_kinds_are_named_and_tagged_as_kubernetes_names_them() -> None:
    document = openapi_v3_document("apps", "v1")
    assert document["openapi"].startswith("3.")
    deployment = schema(document, f"{APPS}.Deployment")
    assert deployment["x-kubernetes-group-version-kind"] == [
        {"group": "apps", "kind": "Deployment", "version": "v1"}
    ]
    assert deployment["properties"]["metadata"]["allOf"] == [
        {"$ref": f"#/components/schemas/{META}.ObjectMeta"}
    ]
    spec = schema(document, f"{APPS}.DeploymentSpec")
    assert spec["required"] == ["selector", "template"]
    assert spec["properties"]["replicas"] == {
        "type": "integer",
        "format": "int32",
        "description": spec["properties"]["replicas"]["description"],
    }
    assert spec["properties"]["template"]["allOf"] == [
        {"$ref": f"#/components/schemas/{CORE}.PodTemplateSpec"}
    ]
    assert spec["properties"]["strategy"]["x-kubernetes-patch-strategy"] == "retainKeys"


def test_containers_merge_on_their_name() -> None:
    pod_spec = schema(openapi_v3_document("", "v1"), f"{CORE}.PodSpec")["properties"]
    containers = pod_spec["containers"]
    assert containers["x-kubernetes-patch-merge-key"] == "name"
    assert containers["x-kubernetes-patch-strategy"] == "merge"
    assert containers["x-kubernetes-list-type"] == "map"
    assert containers["x-kubernetes-list-map-keys"] == ["name"]
    ports = schema(openapi_v3_document("", "v1"), f"{CORE}.Container")["properties"]["ports"]
    assert ports["x-kubernetes-list-map-keys"] == ["containerPort", "protocol"]


def test_shared_types_have_kubernetes_formats() -> None:
    document = openapi_v3_document("apps", "v1")
    int_or_string = "io.k8s.apimachinery.pkg.util.intstr.IntOrString"
    assert schema(document, int_or_string)["format"] == "int-or-string"
    assert schema(document, f"{META}.Time") == {
        "description": schema(document, f"{META}.Time")["description"],
        "type": "string",
        "format": "date-time",
    }
    rolling = schema(document, f"{APPS}.RollingUpdateDeployment")["properties"]
    assert rolling["maxSurge"]["allOf"] == [{"$ref": f"#/components/schemas/{int_or_string}"}]


def test_the_strategy_is_described_as_kubernetes_describes_it() -> None:
    document = openapi_v3_document("apps", "v1")
    strategy = schema(document, f"{APPS}.DeploymentStrategy")
    assert "how to replace existing pods with new ones" in strategy["description"]
    assert strategy["properties"]["type"]["enum"] == ["Recreate", "RollingUpdate"]
    assert "Default is RollingUpdate" in strategy["properties"]["type"]["description"]
    assert "maxUnavailable" in schema(document, f"{APPS}.RollingUpdateDeployment")["properties"]


def test_every_verb_has_an_operation_and_writes_advertise_field_validation() -> None:
    paths = openapi_v3_document("apps", "v1")["paths"]
    item = paths["/apis/apps/v1/namespaces/{namespace}/deployments/{name}"]
    collection = paths["/apis/apps/v1/namespaces/{namespace}/deployments"]
    actions = {op["x-kubernetes-action"] for op in (*item.values(), *collection.values())
               if isinstance(op, dict)}  # fmt: skip
    assert actions == {"get", "put", "patch", "delete", "list", "post", "deletecollection"}
    patch = item["patch"]
    assert patch["operationId"] == "patchAppsV1NamespacedDeployment"
    assert patch["x-kubernetes-group-version-kind"] == {
        "group": "apps",
        "kind": "Deployment",
        "version": "v1",
    }
    for operation in (patch, item["put"], collection["post"]):
        query = {p["name"] for p in operation["parameters"] if p["in"] == "query"}
        assert {"fieldValidation", "fieldManager", "dryRun"} <= query
    assert "application/apply-patch+yaml" in patch["requestBody"]["content"]
    assert collection["delete"]["operationId"] == "deleteAppsV1CollectionNamespacedDeployment"
    assert "/apis/apps/v1/deployments" in paths
    assert "/apis/apps/v1/namespaces/{namespace}/deployments/{name}/status" in paths
    assert "/apis/apps/v1/watch/namespaces/{namespace}/deployments" in paths


def test_cluster_scoped_kinds_have_no_namespace_in_their_paths() -> None:
    paths = openapi_v3_document("", "v1")["paths"]
    assert "/api/v1/nodes/{name}" in paths
    assert not any("namespaces/{namespace}/nodes" in path for path in paths)


@attrs.frozen(kw_only=True)
class GadgetSpec:
    size: int = 0
    budget: IntOrString | None = None


@attrs.frozen(kw_only=True)
class Gadget:
    api_version: ClassVar[str] = "openapi.example.com/v1"
    kind: ClassVar[str] = "Gadget"
    metadata: ObjectMeta = attrs.field(default=ObjectMeta())
    spec: GadgetSpec = attrs.field(default=GadgetSpec())


def test_a_registered_user_kind_gets_a_document_and_the_hash_follows_its_schema() -> None:
    register_kind(Gadget)
    before = openapi_v3_hash("openapi.example.com", "v1")
    assert "apis/openapi.example.com/v1" in openapi_v3_index()["paths"]
    document = openapi_v3_document("openapi.example.com", "v1")
    gadget = schema(document, "com.example.openapi.v1.Gadget")
    assert gadget["x-kubernetes-group-version-kind"][0]["kind"] == "Gadget"
    spec = schema(document, "com.example.openapi.v1.GadgetSpec")
    assert spec["properties"]["size"]["type"] == "integer"
    assert "/apis/openapi.example.com/v1/namespaces/{namespace}/gadgets/{name}" in document["paths"]

    @attrs.frozen(kw_only=True)
    class Gadget2:
        api_version: ClassVar[str] = "openapi.example.com/v1"
        kind: ClassVar[str] = "Gadget"
        metadata: ObjectMeta = attrs.field(default=ObjectMeta())
        spec: GadgetSpec = attrs.field(default=GadgetSpec())
        status: GadgetSpec = attrs.field(default=GadgetSpec())

    Gadget2.__qualname__ = Gadget.__qualname__  # a redefinition, as a notebook cell makes
    Gadget2.__module__ = Gadget.__module__
    register_kind(Gadget2)
    assert openapi_v3_hash("openapi.example.com", "v1") != before
    assert openapi_v3_hash("apps", "v1") == openapi_v3_hash("apps", "v1")


def test_every_enum_and_required_marker_names_a_published_field() -> None:
    enums, fields = set(), set()
    for info in kinds():
        schemas = openapi_v3_document(info.group, info.version)["components"]["schemas"]
        for name, component in schemas.items():
            for field, prop in component.get("properties", {}).items():
                fields.add((name.rpartition(".")[2], field))
                if "enum" in prop:
                    enums.add((name.rpartition(".")[2], field))
    assert set(ENUMS) <= enums
    assert {(cls, field) for cls, names in REQUIRED.items() for field in names} <= fields
    pdb = openapi_v3_document("policy", "v1")["components"]["schemas"]
    spec = pdb["io.k8s.api.policy.v1.PodDisruptionBudgetSpec"]["properties"]
    assert spec["unhealthyPodEvictionPolicy"]["enum"] == ["AlwaysAllow", "IfHealthyBudget"]


def test_every_reference_of_every_document_resolves() -> None:
    for group, version in sorted({(info.group, info.version) for info in kinds()}):
        document = openapi_v3_document(group, version)
        refs = set(re.findall(r'#/components/schemas/([^"]+)"', json.dumps(document)))
        assert refs - set(document["components"]["schemas"]) == set(), (group, version)
    status = openapi_v3_document("", "v1")["components"]["schemas"][f"{META}.StatusDetails"]
    assert status["properties"]["retryAfterSeconds"]["format"] == "int32"


def test_a_crd_kind_is_published_with_its_schema_under_its_reversed_group() -> None:
    crd = {
        "apiVersion": "apiextensions.k8s.io/v1",
        "kind": "CustomResourceDefinition",
        "metadata": {"name": "leases.openapi.example.com"},
        "spec": {
            "group": "openapi.example.com",
            "scope": "Namespaced",
            "names": {"plural": "leases", "singular": "lease", "kind": "Lease"},
            "versions": [
                {
                    "name": "v2",
                    "served": True,
                    "storage": True,
                    "schema": {
                        "openAPIV3Schema": {
                            "type": "object",
                            "description": "A lease of the example group, not Kubernetes'.",
                            "properties": {
                                "spec": {
                                    "type": "object",
                                    "properties": {"holder": {"type": "string"}},
                                }
                            },
                        }
                    },
                }
            ],
        },
    }
    register_custom_kind(crd)
    try:
        schemas = openapi_v3_document("openapi.example.com", "v2")["components"]["schemas"]
    finally:
        stop_serving("openapi.example.com/v2", "Lease")
    lease = schemas["com.example.openapi.v2.Lease"]  # not coordination.k8s.io's Lease
    assert lease["description"] == "A lease of the example group, not Kubernetes'."
    assert lease["properties"]["spec"]["properties"] == {"holder": {"type": "string"}}
    assert lease["x-kubernetes-group-version-kind"] == [
        {"group": "openapi.example.com", "kind": "Lease", "version": "v2"}
    ]
