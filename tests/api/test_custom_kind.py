"""A CRD manifest's kind joins the one kind registry: loaded, defaulted, pruned, validated."""

from __future__ import annotations

import copy
from collections.abc import Iterator
from typing import Any

import pytest

from kube_actors.api import default, kind_info, load_manifests, lookup_kind, validate
from kube_actors.api._custom_kind import register_custom_kind
from kube_actors.api._registry import forget_kind
from kube_actors.errors import Invalid
from tests.api.test_crd_validation import GOOD
from tests.crd_kinds import stop_serving


def _widget_crd() -> dict[str, Any]:
    crd = copy.deepcopy(GOOD)
    crd["metadata"]["name"] = "widgets.kind.example.com"
    crd["spec"]["group"] = "kind.example.com"
    crd["spec"]["names"] = {"plural": "widgets", "kind": "Widget"}
    version = crd["spec"]["versions"][0]
    version["additionalPrinterColumns"] = [
        {"name": "Size", "type": "integer", "jsonPath": ".spec.size"}
    ]
    version["schema"]["openAPIV3Schema"]["properties"]["spec"]["properties"] = {
        "size": {"type": "integer", "default": 2, "maximum": 5}
    }
    return crd


CRD = _widget_crd()


@pytest.fixture(autouse=True)
def _forget_widget() -> Iterator[None]:
    yield
    stop_serving("kind.example.com/v1", "Widget")


MANIFEST = """\
apiVersion: kind.example.com/v1
kind: Widget
metadata: {name: w, namespace: default}
spec: {color: red}
"""


def test_a_crd_kind_is_served_by_the_registry_with_defaults_and_pruning() -> None:
    info = register_custom_kind(CRD)
    assert lookup_kind("kind.example.com/v1", "Widget") is info
    assert (info.plural, info.namespaced, [c.name for c in info.printer_columns]) == (
        "widgets",
        True,
        ["Size"],
    )
    [widget] = load_manifests(MANIFEST)
    assert kind_info(widget) is info
    defaulted = default(widget)
    assert dict(defaulted.spec) == {"size": 2}  # color pruned, size defaulted
    validate(defaulted)


def test_a_custom_object_is_validated_by_its_schema() -> None:
    register_custom_kind(CRD)
    [widget] = load_manifests(MANIFEST.replace("color: red", "size: 9"))
    with pytest.raises(Invalid) as caught:
        validate(default(widget))
    assert [c.field for c in caught.value.causes] == ["spec.size"]


def test_a_bad_crd_is_refused_with_field_errors() -> None:
    bad = copy.deepcopy(CRD)
    bad["spec"]["scope"] = "Galaxy"
    with pytest.raises(Invalid) as caught:
        register_custom_kind(bad)
    assert str(caught.value).startswith(
        'CustomResourceDefinition.apiextensions.k8s.io "widgets.kind.example.com" is invalid'
    )
    assert [c.field for c in caught.value.causes] == ["spec.scope"]


def test_a_kind_taken_by_a_registered_class_is_refused() -> None:
    from tests.api.test_registry import WorkerPool  # registered with register_kind

    taken = copy.deepcopy(CRD)
    taken["metadata"]["name"] = "workerpools.registry.example.com"
    taken["spec"]["group"] = "registry.example.com"
    taken["spec"]["versions"][0]["name"] = "v1alpha1"
    taken["spec"]["names"] = {"plural": "workerpools", "kind": "WorkerPool"}
    with pytest.raises(ValueError, match="already registered to WorkerPool"):
        register_custom_kind(taken)
    assert lookup_kind("registry.example.com/v1alpha1", "WorkerPool") == kind_info(WorkerPool)


def test_a_forgotten_kind_is_no_longer_served() -> None:
    info = register_custom_kind(CRD)
    forget_kind(info.cls)
    assert lookup_kind("kind.example.com/v1", "Widget") is None
    with pytest.raises(Exception, match="Widget"):
        load_manifests(MANIFEST)
