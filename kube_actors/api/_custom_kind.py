"""A CustomResourceDefinition's kind as a registered class (issue #17, part).

``register_custom_kind(crd)`` validates the CRD manifest (``crd_causes``), then registers a
generic class for each served version in the one kind registry (the storage version's is the
resource's stored class, the others are ``stored_as`` it), with hooks that default, prune and
validate a custom object by the version's openAPIV3Schema and its CEL rules, and the
version's subresources and printer columns. A kind already taken by
``register_kind`` (or another CRD) is refused with the registry's ValueError.
"""

from __future__ import annotations

import json
import keyword
import re
from collections.abc import Iterable, Mapping
from typing import Any

import attrs

from kube_actors.errors import FieldCause, Invalid

from ._base import EMPTY, FrozenDict
from ._converter import from_dict, to_dict
from ._crd_cel import cel_causes
from ._crd_schema import apply_defaults, prune, schema_causes
from ._crd_validation import crd_causes
from ._meta import ObjectMeta
from ._registry import KindInfo, PrinterColumn, ScaleSubresource, lookup_kind, register_kind

__all__ = ["as_version", "register_custom_kind", "serve_custom_kind"]


def _storage_version(crd: Mapping[str, Any]) -> Mapping[str, Any]:
    return next(v for v in crd["spec"]["versions"] if v.get("storage"))


#: Top-level fields every object has, whatever its schema says.
_TYPE_AND_METADATA = ("apiVersion", "kind", "metadata")
_SPEC_AND_STATUS = {"spec": "spec", "status": "status"}


def _attribute(wire: str) -> str:
    """A Python attribute name for a top-level field of a custom kind (``dataSource`` →
    ``data_source``)."""
    name = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", wire).lower()
    name = re.sub(r"\W", "_", name).lstrip("_") or "field"
    return f"{name}_" if keyword.iskeyword(name) or name[0].isdigit() else name


def _body(obj: Any) -> dict[str, Any]:
    """The part of a custom object its schema describes (spec, status and any other
    top-level field), as plain JSON data."""
    fields: Mapping[str, str] = getattr(type(obj), "crd_fields", _SPEC_AND_STATUS)
    body = {wire: thaw(getattr(obj, name)) for name, wire in fields.items()}
    return {k: v for k, v in body.items() if v is not None or k in _SPEC_AND_STATUS}


def _cel_body(obj: Any) -> dict[str, Any]:
    """What ``self`` is to the rules at the root of a schema: the body, with the metadata
    rules may read (its name, namespace, labels and annotations)."""
    meta = obj.metadata
    return {
        "apiVersion": obj.api_version,
        "kind": obj.kind,
        "metadata": {
            "name": meta.name,
            "namespace": meta.namespace,
            "labels": dict(meta.labels),
            "annotations": dict(meta.annotations),
        },
        **_body(obj),
    }


def thaw(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {k: thaw(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [thaw(v) for v in value]
    return value


def freeze(value: Any) -> Any:
    if isinstance(value, Mapping):
        return FrozenDict({k: freeze(v) for k, v in value.items()}) if value else EMPTY
    if isinstance(value, list | tuple):
        return tuple(freeze(v) for v in value)
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
    storage = _storage_version(crd)
    stored = _register_version(spec, storage, stored_as=None)
    for version in spec["versions"]:
        if version.get("served") and version is not storage:
            _register_version(spec, version, stored_as=stored.cls)
    return stored


def _register_version(
    spec: Mapping[str, Any], version: Mapping[str, Any], *, stored_as: type[Any] | None
) -> KindInfo:
    """Register the class of one version of a CRD's kind, hooked to that version's schema.

    The same definition again (the CRD read back from the store, or written with another
    status) keeps the class it has: objects, caches and informers hold on to their class.
    """
    definition = json.dumps(
        {k: spec.get(k) for k in ("group", "names", "scope")} | {"version": version},
        sort_keys=True,
        default=str,
    )
    api_version = f"{spec['group']}/{version['name']}"
    existing = lookup_kind(api_version, spec["names"]["kind"])
    if (
        existing is not None
        and getattr(existing.cls, "crd_definition", None) == definition
        and existing.stored_as is stored_as
    ):
        return existing
    schema: Mapping[str, Any] = version["schema"]["openAPIV3Schema"]
    body_schema = {
        "type": "object",
        "properties": {
            key: sub
            for key, sub in (schema.get("properties") or {}).items()
            if key not in _TYPE_AND_METADATA
        },
    }
    # spec and status always; any other top-level field the schema names (``data``...) as an
    # attribute of its own, its wire name kept.
    crd_fields = dict(_SPEC_AND_STATUS)
    for wire in body_schema["properties"]:
        if wire not in crd_fields and _attribute(wire) not in ("metadata", *crd_fields):
            crd_fields[_attribute(wire)] = wire
    cls = attrs.make_class(
        spec["names"]["kind"],
        {
            "metadata": attrs.field(default=ObjectMeta(), type=ObjectMeta),
            "spec": attrs.field(default=EMPTY, type=Mapping[str, Any]),
            "status": attrs.field(default=EMPTY, type=Mapping[str, Any]),
            **{
                name: attrs.field(default=None, type=Any, converter=freeze, metadata={"wire": wire})
                for name, wire in crd_fields.items()
                if name not in _SPEC_AND_STATUS
            },
        },
        frozen=True,
        kw_only=True,
    )
    cls.crd_fields = crd_fields  # type: ignore[attr-defined]
    cls.api_version = api_version  # type: ignore[attr-defined]
    cls.crd_definition = definition  # type: ignore[attr-defined]
    cls.kind = spec["names"]["kind"]  # type: ignore[attr-defined]
    cls.defined_by_crd = True  # type: ignore[attr-defined]  # e.g. no strategic merge patch
    # What discovery and the OpenAPI document tell of the kind (``kubectl get ct``,
    # ``kubectl explain``), as the CRD says it.
    cls.openapi_schema = schema  # type: ignore[attr-defined]
    cls.short_names = tuple(spec["names"].get("shortNames") or ())  # type: ignore[attr-defined]
    cls.categories = tuple(spec["names"].get("categories") or ())  # type: ignore[attr-defined]

    def default(obj: Any) -> Any:
        body, _ = prune(apply_defaults(_body(obj), body_schema), body_schema)
        return attrs.evolve(
            obj,
            **{
                name: freeze(body.get(wire, {} if name in _SPEC_AND_STATUS else None))
                for name, wire in crd_fields.items()
            },
        )

    cel_schema = {**body_schema, "x-kubernetes-validations": schema.get("x-kubernetes-validations")}

    def validate(obj: Any, old: Any) -> Iterable[FieldCause]:
        before = None if old is None else _cel_body(old)
        return schema_causes(_body(obj), body_schema) + cel_causes(
            _cel_body(obj), cel_schema, old=before
        )

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
    subresources = version.get("subresources") or {}
    scale = subresources.get("scale")
    return register_kind(
        cls,
        plural=spec["names"]["plural"],
        namespaced=spec["scope"] == "Namespaced",
        default=default,
        validate=validate,
        printer_columns=columns,
        status_subresource="status" in subresources,
        scale=None
        if scale is None
        else ScaleSubresource(
            spec_replicas_path=scale["specReplicasPath"],
            status_replicas_path=scale["statusReplicasPath"],
            label_selector_path=scale.get("labelSelectorPath") or "",
        ),
        stored_as=stored_as,
    )


def as_version(obj: Any, cls: type[Any]) -> Any:
    """``obj`` as another version of its kind (``conversion.strategy: None``: the same
    fields, the apiVersion rewritten)."""
    if type(obj) is cls:
        return obj
    manifest = to_dict(obj)
    manifest["apiVersion"] = cls.api_version
    return from_dict(manifest)


#: The finalizer that holds a deleted CRD until the objects of its kind are gone.
CLEANUP_FINALIZER = "customresourcecleanup.apiextensions.k8s.io"


def _serves(crd: Any) -> bool:
    """Whether a stored CRD serves its kind: not when its names were refused (not
    Established), nor once its cleanup is done (deleted, the cleanup finalizer gone)."""
    conditions = crd.status.get("conditions", ())
    established = next((c for c in conditions if c.get("type") == "Established"), None)
    if established is not None and established.get("status") != "True":
        return False
    meta = crd.metadata
    return meta.deletion_timestamp is None or CLEANUP_FINALIZER in meta.finalizers


def serve_custom_kind(obj: Any) -> None:
    """Serve the kind of ``obj`` when it is a CustomResourceDefinition that serves one."""
    is_crd = type(obj).__name__ == "CustomResourceDefinition" and (
        getattr(obj, "api_version", "") == "apiextensions.k8s.io/v1"
    )
    if is_crd and _serves(obj):
        register_custom_kind(to_dict(obj))
