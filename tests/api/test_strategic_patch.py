"""Strategic merge patch and its directives, on a Deployment's and a Pod's wire form."""

from __future__ import annotations

from typing import Any

import pytest

from kube_actors.api import apply_patch
from kube_actors.errors import BadRequest


def _deployment(**spec: Any) -> dict[str, Any]:
    containers = [
        {"name": "app", "image": "nginx:1.27", "env": [{"name": "A", "value": "1"}]},
        {"name": "side", "image": "busybox"},
    ]
    template = {"metadata": {"labels": {"app": "web"}}, "spec": {"containers": containers}}
    return {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": "web", "finalizers": ["a", "b"]},
        "spec": {"replicas": 1, "template": template, **spec},
    }


def _containers(doc: dict[str, Any]) -> list[dict[str, Any]]:
    containers: list[dict[str, Any]] = doc["spec"]["template"]["spec"]["containers"]
    return containers


def _patch_containers(*items: dict[str, Any], **directives: Any) -> dict[str, Any]:
    return {"spec": {"template": {"spec": {"containers": list(items), **directives}}}}


def test_containers_merge_by_name_and_env_merges_inside() -> None:
    patch = _patch_containers({"name": "app", "env": [{"name": "B", "value": "2"}]})
    merged = apply_patch(_deployment(), patch, "strategic")
    app, side = _containers(merged)
    assert app["image"] == "nginx:1.27"
    assert app["env"] == [{"name": "A", "value": "1"}, {"name": "B", "value": "2"}]
    assert side == {"name": "side", "image": "busybox"}


def test_a_list_without_a_merge_strategy_is_replaced() -> None:
    patch = _patch_containers({"name": "app", "args": ["x"]})
    once = apply_patch(_deployment(), patch, "strategic")
    again = apply_patch(once, _patch_containers({"name": "app", "args": ["y"]}), "strategic")
    assert _containers(again)[0]["args"] == ["y"]


def test_patch_delete_removes_an_item_by_its_merge_key() -> None:
    patch = _patch_containers({"name": "side", "$patch": "delete"})
    merged = apply_patch(_deployment(), patch, "strategic")
    assert [c["name"] for c in _containers(merged)] == ["app"]


def test_patch_replace_in_a_list_makes_the_patch_the_whole_list() -> None:
    patch = _patch_containers({"name": "new", "image": "redis"}, {"$patch": "replace"})
    merged = apply_patch(_deployment(), patch, "strategic")
    assert _containers(merged) == [{"name": "new", "image": "redis"}]


def test_patch_replace_on_a_map_replaces_it_whole() -> None:
    patch = {"spec": {"template": {"metadata": {"labels": {"v": "2", "$patch": "replace"}}}}}
    merged = apply_patch(_deployment(), patch, "strategic")
    assert merged["spec"]["template"]["metadata"]["labels"] == {"v": "2"}


def test_patch_delete_on_a_map_removes_it() -> None:
    patch = {"spec": {"template": {"metadata": {"$patch": "delete"}}}}
    merged = apply_patch(_deployment(), patch, "strategic")
    assert "metadata" not in merged["spec"]["template"]


def test_retain_keys_drops_what_it_does_not_list() -> None:
    doc = _deployment(strategy={"type": "RollingUpdate", "rollingUpdate": {"maxSurge": 1}})
    patch = {"spec": {"strategy": {"type": "Recreate", "$retainKeys": ["type"]}}}
    merged = apply_patch(doc, patch, "strategic")
    assert merged["spec"]["strategy"] == {"type": "Recreate"}


def test_set_element_order_orders_the_merged_list() -> None:
    patch = _patch_containers(
        {"name": "app", "image": "nginx:1.28"},
        **{"$setElementOrder/containers": [{"name": "side"}, {"name": "app"}]},
    )
    merged = apply_patch(_deployment(), patch, "strategic")
    assert [c["name"] for c in _containers(merged)] == ["side", "app"]
    assert _containers(merged)[1]["image"] == "nginx:1.28"


def test_delete_from_primitive_list_and_primitive_lists_merge_as_sets() -> None:
    patch = {"metadata": {"$deleteFromPrimitiveList/finalizers": ["a"], "finalizers": ["c"]}}
    merged = apply_patch(_deployment(), patch, "strategic")
    assert merged["metadata"]["finalizers"] == ["b", "c"]


def test_container_ports_merge_by_container_port() -> None:
    doc = _deployment()
    _containers(doc)[0]["ports"] = [{"containerPort": 80, "name": "http"}]
    patch = _patch_containers({"name": "app", "ports": [{"containerPort": 80, "name": "web"}]})
    merged = apply_patch(doc, patch, "strategic")
    assert _containers(merged)[0]["ports"] == [{"containerPort": 80, "name": "web"}]


def test_an_item_without_its_merge_key_is_refused() -> None:
    patch = _patch_containers({"image": "x"})
    with pytest.raises(BadRequest, match="does not contain declared merge key: name"):
        apply_patch(_deployment(), patch, "strategic")


def test_an_unknown_patch_directive_is_refused() -> None:
    with pytest.raises(BadRequest, match="Unknown patch type: sideways"):
        apply_patch(_deployment(), {"spec": {"$patch": "sideways"}}, "strategic")


def test_the_input_document_is_left_as_it_was() -> None:
    doc = _deployment()
    apply_patch(doc, _patch_containers({"name": "side", "$patch": "delete"}), "strategic")
    assert len(_containers(doc)) == 2
