"""A CustomResourceDefinition's kind as a registered class (issue #17, part).

``register_custom_kind(crd)`` validates the CRD manifest (``crd_causes``), then registers a
generic class for its storage version in the one kind registry, with hooks that default,
prune and validate a custom object by the version's openAPIV3Schema. A kind already taken by
``register_kind`` (or another CRD) is refused with the registry's ValueError.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import attrs

from kube_actors.errors import FieldCause, Invalid

from ._base import EMPTY, FrozenDict
from ._converter import to_dict
from ._crd_schema import apply_defaults, prune, schema_causes
from ._crd_validation import crd_causes
from ._meta import ObjectMeta
from ._registry import KindInfo, PrinterColumn, register_kind

__all__ = ["register_custom_kind", "serve_custom_kind"]


def _storage_version(crd: Mapping[str, Any]) -> Mapping[str, Any]:
    return next(v for v in crd["spec"]["versions"] if v.get("storage"))


def _body(obj: Any) -> dict[str, Any]:
    """The part of a custom object its schema describes, as plain JSON data."""
    return {"spec": thaw(obj.spec), "status": thaw(obj.status)}


def thaw(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {k: thaw(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [thaw(v) for v in value]
    return value


def _freeze(value: Any) -> Any:
    if isinstance(value, Mapping):
        return FrozenDict({k: _freeze(v) for k, v in value.items()}) if value else EMPTY
    if isinstance(value, list | tuple):
        return tuple(_freeze(v) for v in value)
    return value


def register_custom_kind(crd: Mapping[str, Any]) -> KindInfo:
    """Serve the kind a CustomResourceDefinition manifest defines; Invalid when it is bad."""
    causes = crd_causes(crd)
    name = (crd.get("metadata") or {}).get("name", "")
    if causes:
        raise Invalid.for_object(
            "CustomResourceDefinition", name, causes, group="apiextensions.k8s.io"
        )
    spec = crd["spec"]
    version = _storage_version(crd)
    schema: Mapping[str, Any] = version["schema"]["openAPIV3Schema"]
    body_schema = {
        "type": "object",
        "properties": {
            key: sub
            for key, sub in (schema.get("properties") or {}).items()
            if key in ("spec", "status")
        },
    }
    cls = attrs.make_class(
        spec["names"]["kind"],
        {
            "metadata": attrs.field(default=ObjectMeta(), type=ObjectMeta),
            "spec": attrs.field(default=EMPTY, type=Mapping[str, Any]),
            "status": attrs.field(default=EMPTY, type=Mapping[str, Any]),
        },
        frozen=True,
        kw_only=True,
    )
    cls.api_version = f"{spec['group']}/{version['name']}"  # type: ignore[attr-defined]
    cls.kind = spec["names"]["kind"]  # type: ignore[attr-defined]
    cls.defined_by_crd = True  # type: ignore[attr-defined]  # e.g. no strategic merge patch
    # What the OpenAPI documents publish for the kind, so `kubectl explain` reads it.
    cls.openapi_v3_schema = thaw(schema)  # type: ignore[attr-defined]

    def default(obj: Any) -> Any:
        body, _ = prune(apply_defaults(_body(obj), body_schema), body_schema)
        return attrs.evolve(
            obj, spec=_freeze(body.get("spec", {})), status=_freeze(body.get("status", {}))
        )

    def validate(obj: Any, old: Any) -> Iterable[FieldCause]:
        return schema_causes(_body(obj), body_schema)

    columns = [
        PrinterColumn(
            name=c["name"],
            json_path=c["jsonPath"],
            type=c.get("type", "string"),
            format=c.get("format", ""),
            description=c.get("description", ""),
            priority=c.get("priority", 0),
        )
        for c in version.get("additionalPrinterColumns") or ()
    ]
    return register_kind(
        cls,
        plural=spec["names"]["plural"],
        namespaced=spec["scope"] == "Namespaced",
        default=default,
        validate=validate,
        printer_columns=columns,
    )


def serve_custom_kind(obj: Any) -> None:
    """Serve the kind of ``obj`` when it is a CustomResourceDefinition (else nothing)."""
    if type(obj).__name__ == "CustomResourceDefinition" and getattr(obj, "api_version", "") == (
        "apiextensions.k8s.io/v1"
    ):
        register_custom_kind(to_dict(obj))
