"""Every schema and every field of the OpenAPI documents of the built-in kinds carries a
description, so ``kubectl explain`` never prints an empty FIELD DESCRIPTION: a kind added
later without them fails here, naming each field."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from kube_actors.api import KindInfo, kinds
from kube_actors.server._descriptions import DESCRIPTIONS
from kube_actors.server._openapi import openapi_v3_document


def _built_in(info: KindInfo) -> bool:
    defined_by_crd = getattr(info.cls, "defined_by_crd", False)
    return info.cls.__module__.startswith("kube_actors.api") and not defined_by_crd


def _built_in_group_versions() -> list[tuple[str, str]]:
    served: dict[tuple[str, str], bool] = {}
    for info in kinds():
        gv = (info.group, info.version)
        served[gv] = served.get(gv, True) and _built_in(info)
    return sorted(gv for gv, only_built_in in served.items() if only_built_in)


def _fields(where: str, schema: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    """Each property of ``schema``, inline objects' properties included, by path."""
    for name, prop in schema.get("properties", {}).items():
        path = f"{where}.{name}"
        yield path, prop
        yield from _fields(path, prop)


def _undescribed(group: str, version: str) -> list[str]:
    schemas = openapi_v3_document(group, version)["components"]["schemas"]
    missing = []
    for name, schema in sorted(schemas.items()):
        if not schema.get("description"):
            missing.append(name)
        missing += [path for path, prop in _fields(name, schema) if not prop.get("description")]
    return missing


@pytest.mark.parametrize(("group", "version"), _built_in_group_versions())
def test_every_schema_and_field_of_the_built_in_kinds_is_described(
    group: str, version: str
) -> None:
    assert _undescribed(group, version) == []


def test_every_built_in_kind_is_walked() -> None:
    walked = set(_built_in_group_versions())
    for info in kinds():
        if _built_in(info):
            assert (info.group, info.version) in walked, info.kind


def test_the_shared_request_and_response_types_are_described() -> None:
    schemas = openapi_v3_document("apps", "v1")["components"]["schemas"]
    for name in ("DeleteOptions", "Status", "WatchEvent"):
        schema = schemas[f"io.k8s.apimachinery.pkg.apis.meta.v1.{name}"]
        assert all(p.get("description") for p in schema["properties"].values()), name


def test_a_kind_in_its_own_group_is_named_as_kubernetes_names_it() -> None:
    schemas = openapi_v3_document("batch", "v1")["components"]["schemas"]
    assert "io.k8s.api.batch.v1.CronJobSpec" in schemas
    assert "io.k8s.api.core.v1.CronJobSpec" not in schemas
    rbac = openapi_v3_document("rbac.authorization.k8s.io", "v1")["components"]["schemas"]
    assert {"io.k8s.api.rbac.v1.ClusterRole", "io.k8s.api.rbac.v1.PolicyRule"} <= set(rbac)


def test_every_description_names_a_published_field() -> None:
    """A description under a misspelt class or field would describe nothing."""
    published: dict[str, set[str]] = {}
    for info in kinds():
        schemas = openapi_v3_document(info.group, info.version)["components"]["schemas"]
        for name, schema in schemas.items():
            published.setdefault(name.rpartition(".")[2], set()).update(
                schema.get("properties", {})
            )
    dead = [
        (cls, field)
        for cls, fields in DESCRIPTIONS.items()
        if cls != "TypeMeta"  # what every kind's apiVersion and kind say
        for field in fields
        if field and field not in published.get(cls, set())
    ]
    assert dead == []
