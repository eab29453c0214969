"""The subresources in the OpenAPI documents: a client reading the spec finds each path
discovery lists, with Kubernetes' operation ids, actions, kinds and parameters."""

from __future__ import annotations

from typing import Any

from kube_actors.api import kinds
from kube_actors.server import openapi_v3_document
from kube_actors.server._resources import resource_of

POD = "/api/v1/namespaces/{namespace}/pods/{name}"
DEPLOYMENT = "/apis/apps/v1/namespaces/{namespace}/deployments/{name}"


def _query(path_item: dict[str, Any], op: dict[str, Any] | None = None) -> set[str]:
    parameters = [*path_item.get("parameters", ()), *(op or {}).get("parameters", ())]
    return {p["name"] for p in parameters if p["in"] == "query"}


def _gvk(op: dict[str, Any]) -> tuple[str, str, str]:
    gvk = op["x-kubernetes-group-version-kind"]
    return gvk["group"], gvk["version"], gvk["kind"]


def test_every_subresource_discovery_lists_has_a_path() -> None:
    for info in kinds():
        paths = openapi_v3_document(info.group, info.version)["paths"]
        prefix = f"/apis/{info.group}/{info.version}" if info.group else f"/api/{info.version}"
        scope = "/namespaces/{namespace}" if info.namespaced else ""
        for sub in resource_of(info).subresources:
            assert f"{prefix}{scope}/{info.plural}/{{name}}/{sub.name}" in paths, (info, sub)


def test_scale_reads_and_writes_an_autoscaling_v1_scale() -> None:
    document = openapi_v3_document("apps", "v1")
    scale = document["paths"][f"{DEPLOYMENT}/scale"]
    assert set(scale) == {"get", "put", "patch", "parameters"}
    assert scale["get"]["operationId"] == "readAppsV1NamespacedDeploymentScale"
    assert scale["put"]["operationId"] == "replaceAppsV1NamespacedDeploymentScale"
    assert scale["patch"]["x-kubernetes-action"] == "patch"
    assert _gvk(scale["patch"]) == ("autoscaling", "v1", "Scale")
    assert "fieldValidation" in _query(scale, scale["patch"])
    answer = scale["get"]["responses"]["200"]["content"]["application/json"]["schema"]
    assert answer == {"$ref": "#/components/schemas/io.k8s.api.autoscaling.v1.Scale"}
    schemas = document["components"]["schemas"]
    assert schemas["io.k8s.api.autoscaling.v1.Scale"]["x-kubernetes-group-version-kind"] == [
        {"group": "autoscaling", "kind": "Scale", "version": "v1"}
    ]
    assert "selector" in schemas["io.k8s.api.autoscaling.v1.ScaleStatus"]["properties"]
    # A kind without a scale subresource has no such path.
    assert f"{DEPLOYMENT.replace('deployments', 'daemonsets')}/scale" not in document["paths"]


def test_binding_and_eviction_are_creates_of_their_own_kinds() -> None:
    document = openapi_v3_document("", "v1")
    binding = document["paths"][f"{POD}/binding"]
    eviction = document["paths"][f"{POD}/eviction"]
    assert set(binding) == set(eviction) == {"post", "parameters"}
    assert binding["post"]["operationId"] == "createCoreV1NamespacedPodBinding"
    assert eviction["post"]["operationId"] == "createCoreV1NamespacedPodEviction"
    assert _gvk(binding["post"]) == ("", "v1", "Binding")
    assert _gvk(eviction["post"]) == ("policy", "v1", "Eviction")
    body = eviction["post"]["requestBody"]["content"]["*/*"]["schema"]
    assert body == {"$ref": "#/components/schemas/io.k8s.api.policy.v1.Eviction"}
    evict = document["components"]["schemas"]["io.k8s.api.policy.v1.Eviction"]
    options = evict["properties"]["deleteOptions"]["allOf"][0]["$ref"]
    assert options.endswith("io.k8s.apimachinery.pkg.apis.meta.v1.DeleteOptions")
    # The bindings collection takes creates only.
    assert set(document["paths"]["/api/v1/namespaces/{namespace}/bindings"]) == {
        "post",
        "parameters",
    }


def test_log_reads_text_with_the_pod_log_options() -> None:
    log = openapi_v3_document("", "v1")["paths"][f"{POD}/log"]
    get = log["get"]
    assert get["operationId"] == "readCoreV1NamespacedPodLog"
    assert _gvk(get) == ("", "v1", "Pod")
    assert get["responses"]["200"]["content"]["text/plain"]["schema"] == {"type": "string"}
    assert {"container", "follow", "previous", "tailLines", "sinceSeconds", "timestamps"} <= (
        _query(log, get)
    )


def test_exec_attach_and_portforward_are_connect_operations() -> None:
    paths = openapi_v3_document("", "v1")["paths"]
    for sub, kind, options in (
        ("exec", "PodExecOptions", {"command", "container", "stdin", "stdout", "stderr", "tty"}),
        ("attach", "PodAttachOptions", {"container", "stdin", "stdout", "stderr", "tty"}),
        ("portforward", "PodPortForwardOptions", {"ports"}),
    ):
        item = paths[f"{POD}/{sub}"]
        for method in ("get", "post"):
            op = item[method]
            assert op["x-kubernetes-action"] == "connect"
            assert _gvk(op) == ("", "v1", kind)
            name = sub.capitalize()
            assert op["operationId"] == f"connectCoreV1{method.capitalize()}NamespacedPod{name}"
        assert options <= _query(item)
        assert {"name", "namespace"} <= {p["name"] for p in item["parameters"] if p["in"] == "path"}


def test_a_resource_has_only_the_operations_of_its_verbs() -> None:
    paths = openapi_v3_document("authorization.k8s.io", "v1")["paths"]
    reviews = "/apis/authorization.k8s.io/v1/subjectaccessreviews"
    assert set(paths[reviews]) == {"post", "parameters"}
    assert f"{reviews}/{{name}}" not in paths
    namespaces = openapi_v3_document("", "v1")["paths"]["/api/v1/namespaces"]
    assert "delete" not in namespaces  # namespaces have no deletecollection
