"""meta.k8s.io/v1 Tables: column definitions, cells and the object of each row."""

from __future__ import annotations

import datetime as dt

import pytest

from kube_actors.api import Container, ObjectMeta, Pod, PodSpec, PodStatus
from kube_actors.errors import BadRequest
from kube_actors.server import table_for

NOW = dt.datetime(2026, 1, 1, 12, 0, tzinfo=dt.UTC)
POD = Pod(
    metadata=ObjectMeta(
        name="web", namespace="default", uid="u1", creation_timestamp=NOW - dt.timedelta(hours=1)
    ),
    spec=PodSpec(containers=[Container(name="c", image="nginx")], node_name="minikube"),
    status=PodStatus(phase="Pending", pod_ip="10.244.0.5"),
)


def test_a_table_carries_every_column_and_the_client_hides_the_wide_ones() -> None:
    table = table_for(Pod, [POD], NOW, resource_version="42")
    assert table["kind"] == "Table"
    assert table["apiVersion"] == "meta.k8s.io/v1"
    assert table["metadata"] == {"resourceVersion": "42"}
    definitions = table["columnDefinitions"]
    assert [(d["name"], d["priority"]) for d in definitions][:5] == [
        ("Name", 0), ("Ready", 0), ("Status", 0), ("Restarts", 0), ("Age", 0)
    ]  # fmt: skip
    assert definitions[0]["format"] == "name"
    assert all(d["description"] for d in definitions)
    (row,) = table["rows"]
    assert row["cells"] == [
        "web", "0/1", "Pending", "0", "60m", "10.244.0.5", "minikube", "<none>", "<none>"
    ]  # fmt: skip


def test_rows_carry_partial_object_metadata_by_default() -> None:
    (row,) = table_for(Pod, [POD], NOW)["rows"]
    assert row["object"]["kind"] == "PartialObjectMetadata"
    assert row["object"]["apiVersion"] == "meta.k8s.io/v1"
    assert row["object"]["metadata"]["name"] == "web"
    assert row["object"]["metadata"]["uid"] == "u1"
    assert "spec" not in row["object"]


def test_include_object_asks_for_the_whole_object_or_none() -> None:
    (whole,) = table_for(Pod, [POD], NOW, include_object="Object")["rows"]
    assert whole["object"]["kind"] == "Pod"
    assert whole["object"]["spec"]["nodeName"] == "minikube"
    (bare,) = table_for(Pod, [POD], NOW, include_object="None")["rows"]
    assert "object" not in bare


def test_an_unknown_include_object_is_a_bad_request() -> None:
    with pytest.raises(BadRequest, match="includeObject"):
        table_for(Pod, [POD], NOW, include_object="Everything")
