"""Manifests load from YAML (multi-document, ``kind: List``), round-trip, and fail loudly."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from kube_actors.api import (
    Deployment,
    Pod,
    Quantity,
    Service,
    dump_manifests,
    from_dict,
    load_manifests,
    to_dict,
)
from kube_actors.errors import BadRequest, Invalid

DEPLOYMENT = """
apiVersion: apps/v1
kind: Deployment
metadata:
  name: hello-nginx
  namespace: default
  labels: {app: hello-nginx}
spec:
  replicas: 2
  selector:
    matchLabels: {app: hello-nginx}
  strategy:
    type: RollingUpdate
    rollingUpdate: {maxSurge: 1, maxUnavailable: 25%}
  template:
    metadata:
      labels: {app: hello-nginx}
    spec:
      containers:
      - name: nginx
        image: nginx:1.25
        ports:
        - {containerPort: 80, name: http}
        resources:
          requests: {cpu: 100m, memory: 128Mi}
          limits: {cpu: "1", memory: 1Gi}
        readinessProbe:
          httpGet: {path: /, port: http}
          periodSeconds: 5
      volumes:
      - name: scratch
        emptyDir: {}
"""

SERVICE = """
apiVersion: v1
kind: Service
metadata: {name: hello-nginx, namespace: default}
spec:
  selector: {app: hello-nginx}
  ports:
  - {port: 80, targetPort: http}
"""


def test_a_deployment_manifest_loads_into_frozen_objects() -> None:
    [deployment] = load_manifests(DEPLOYMENT)
    assert isinstance(deployment, Deployment)
    assert deployment.spec.replicas == 2
    container = deployment.spec.template.spec.containers[0]
    assert container.resources.requests["cpu"] == Quantity("100m")
    assert deployment.spec.strategy is not None
    assert deployment.spec.strategy.rolling_update is not None
    assert deployment.spec.strategy.rolling_update.max_unavailable == "25%"
    with pytest.raises(TypeError):
        deployment.metadata.labels["app"] = "other"  # type: ignore[index]


def test_a_manifest_round_trips_to_the_same_dict() -> None:
    for text in (DEPLOYMENT, SERVICE):
        data = yaml.safe_load(text)
        assert to_dict(from_dict(data)) == data


def test_multi_document_yaml_loads_every_document_in_order() -> None:
    objects = load_manifests(DEPLOYMENT + "\n---\n" + SERVICE + "\n---\n")
    assert [type(o) for o in objects] == [Deployment, Service]


def test_a_list_contributes_its_items() -> None:
    items = [yaml.safe_load(DEPLOYMENT), yaml.safe_load(SERVICE)]
    text = yaml.safe_dump({"apiVersion": "v1", "kind": "List", "items": items})
    assert [type(o) for o in load_manifests(text)] == [Deployment, Service]


def test_manifests_load_from_a_path(tmp_path: Path) -> None:
    path = tmp_path / "demo.yaml"
    path.write_text(DEPLOYMENT + "---" + SERVICE)
    assert len(load_manifests(path)) == 2
    assert len(load_manifests(str(path))) == 2


def test_dumped_yaml_loads_back_to_equal_objects() -> None:
    objects = load_manifests(DEPLOYMENT + "---" + SERVICE)
    assert load_manifests(dump_manifests(objects)) == objects
    assert dump_manifests(objects[1]).startswith("apiVersion: v1\nkind: Service\n")


def test_timestamps_round_trip_in_rfc3339() -> None:
    data: dict[str, Any] = {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {"name": "p", "creationTimestamp": "2024-05-01T12:00:00Z"},
    }
    assert to_dict(from_dict(data)) == data


def _error(data: dict[str, Any]) -> Invalid:
    with pytest.raises(Invalid) as caught:
        from_dict(data)
    return caught.value


def test_an_unknown_field_is_an_error_naming_it() -> None:
    data = yaml.safe_load(DEPLOYMENT)
    data["spec"]["replica"] = 3
    error = _error(data)
    assert 'unknown field "spec.replica"' in str(error)
    assert [c.field for c in error.causes] == ["spec.replica"]


def test_a_wrong_type_is_an_error_naming_field_and_value() -> None:
    data = yaml.safe_load(DEPLOYMENT)
    data["spec"]["replicas"] = "abc"
    error = _error(data)
    assert str(error.causes[0]) == 'spec.replicas: Invalid value: "abc": expected int'
    assert error.causes[0].type == "FieldValueTypeInvalid"


def test_every_structural_error_is_reported_together_with_its_path() -> None:
    data = yaml.safe_load(DEPLOYMENT)
    container = data["spec"]["template"]["spec"]["containers"][0]
    container["image"] = 5
    container["resources"]["requests"]["cpu"] = "lots"
    container["imagePullPolice"] = "Always"
    error = _error(data)
    assert {c.field for c in error.causes} == {
        "spec.template.spec.containers[0].image",
        "spec.template.spec.containers[0].resources.requests[cpu]",
        "spec.template.spec.containers[0].imagePullPolice",
    }
    assert str(error).startswith('Deployment.apps "hello-nginx" is invalid: [')


def test_an_unknown_kind_is_a_bad_request() -> None:
    with pytest.raises(BadRequest, match='no matches for kind "Foo" in version "v1"'):
        load_manifests("apiVersion: v1\nkind: Foo\nmetadata: {name: x}\n")


def test_a_kubernetes_kind_not_served_says_so_and_points_to_the_fidelity_page() -> None:
    with pytest.raises(BadRequest) as caught:
        load_manifests("apiVersion: v1\nkind: ReplicationController\nmetadata: {name: x}\n")
    message = str(caught.value)
    assert 'kind "ReplicationController" in version "v1" is a Kubernetes kind that' in message
    assert "docs/explanation/fidelity.md" in message
    assert "no matches" not in message


def test_undecodable_yaml_is_a_bad_request() -> None:
    with pytest.raises(BadRequest, match="error converting YAML"):
        load_manifests("kind: Pod\n  bad: [indent\n")


def test_a_document_that_is_not_an_object_is_a_bad_request() -> None:
    with pytest.raises(BadRequest, match="not an object"):
        load_manifests("- just\n- a list\n")


def test_pods_built_in_python_freeze_their_lists() -> None:
    pod = from_dict({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"}})
    assert isinstance(pod, Pod)
    assert pod.spec.containers == ()


def test_a_containers_stdin_stdin_once_and_tty_round_trip_and_false_is_left_out() -> None:
    manifest = {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {"name": "shell", "namespace": "default"},
        "spec": {
            "containers": [
                {"name": "a", "image": "busybox", "stdin": True, "stdinOnce": True, "tty": True},
                {"name": "b", "image": "busybox", "stdin": False},
            ]
        },
    }
    pod = from_dict(manifest)
    a, b = pod.spec.containers
    assert (a.stdin, a.stdin_once, a.tty) == (True, True, True)
    assert (b.stdin, b.stdin_once, b.tty) == (False, False, False)
    containers = to_dict(pod)["spec"]["containers"]
    assert containers[0] == manifest["spec"]["containers"][0]  # type: ignore[index]
    assert containers[1] == {"name": "b", "image": "busybox"}
