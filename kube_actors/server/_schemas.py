"""OpenAPI v3 schemas of the registered kinds, read off their attrs classes.

Each attrs class becomes one component, named as Kubernetes names it
(``io.k8s.api.apps.v1.DeploymentSpec``, ``io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta``);
a user kind's classes are named after its group reversed (``com.example.v1.Widget``), as the
apiserver names a CRD's schema. Fields carry their wire names, Kubernetes' formats (Time,
Quantity, IntOrString as ``int-or-string``), the patch and list-type markers (``field_type``,
the table server-side apply and strategic merge patch read too) and descriptions: Kubernetes'
meanings from ``_descriptions`` for the built-in kinds; for a user's classes, their docstrings
and their fields' ``metadata={"description": ...}``; for a CustomResourceDefinition's kind, the
spec and status of its storage version's openAPIV3Schema as the CRD gives them. The classes
are the only source: a field added to a class shows up here with no second list to keep.
"""

from __future__ import annotations

import copy
import datetime as dt
import types
import typing
from collections.abc import Callable, Iterable, Mapping
from typing import Any

import attrs

from ..api import (
    DeleteOptions,
    FieldType,
    KindInfo,
    Quantity,
    field_type,
    kind_info,
    kinds,
    wire_names,
)
from ._descriptions import description_of
from ._markers import ENUMS, INT64_FIELDS, MICRO_TIME_FIELDS, REQUIRED
from ._resources import resource_of

__all__ = ["META", "component_name", "components_for", "ref"]

META = "io.k8s.apimachinery.pkg.apis.meta.v1"
_CORE = "io.k8s.api.core.v1"
_TIME = f"{META}.Time"
_MICRO_TIME = f"{META}.MicroTime"
_QUANTITY = "io.k8s.apimachinery.pkg.api.resource.Quantity"
_INT_OR_STRING = "io.k8s.apimachinery.pkg.util.intstr.IntOrString"

# Where kube_actors' own classes live in Kubernetes' packages when their module does not say:
# the module of a class groups it with its kind, but a few sit elsewhere in Kubernetes.
_MODULE_PREFIX = {
    "kube_actors.api._apps": "io.k8s.api.apps.v1",
    "kube_actors.api._autoscaling": "io.k8s.api.autoscaling.v2",
    "kube_actors.api._batch": "io.k8s.api.batch.v1",
    "kube_actors.api._cronjob": "io.k8s.api.batch.v1",
    "kube_actors.api._endpoint_slice": "io.k8s.api.discovery.v1",
    "kube_actors.api._ingress": "io.k8s.api.networking.v1",
    "kube_actors.api._meta": META,
    "kube_actors.api._policy": "io.k8s.api.policy.v1",
    "kube_actors.api._rbac": "io.k8s.api.rbac.v1",
    "kube_actors.api._reviews": "io.k8s.api.authorization.v1",
    "kube_actors.api._metrics": "io.k8s.metrics.pkg.apis.metrics.v1beta1",
    "kube_actors.api._crd": "io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1",
}
_CLASS_PREFIX = {
    "Condition": META,
    "TypedLocalObjectReference": _CORE,
    "ObjectReference": _CORE,
    "PersistentVolumeClaim": _CORE,
    "PersistentVolumeClaimSpec": _CORE,
    "VolumeResourceRequirements": _CORE,
    "CertificateSigningRequest": "io.k8s.api.certificates.v1",
    "CertificateSigningRequestSpec": "io.k8s.api.certificates.v1",
    "CertificateSigningRequestStatus": "io.k8s.api.certificates.v1",
    "CertificateSigningRequestCondition": "io.k8s.api.certificates.v1",
    "Lease": "io.k8s.api.coordination.v1",
    "LeaseSpec": "io.k8s.api.coordination.v1",
    "PriorityClass": "io.k8s.api.scheduling.v1",
    "SelfSubjectReview": "io.k8s.api.authentication.v1",
    "SelfSubjectReviewStatus": "io.k8s.api.authentication.v1",
    "TokenReview": "io.k8s.api.authentication.v1",
    "TokenReviewSpec": "io.k8s.api.authentication.v1",
    "TokenReviewStatus": "io.k8s.api.authentication.v1",
    "UserInfo": "io.k8s.api.authentication.v1",
}

# Classes published as the request types every document shares (``_openapi``), whose
# schemas are written out there in full rather than read off the class.
_SHARED_CLASSES: dict[type[Any], str] = {DeleteOptions: f"{META}.DeleteOptions"}

# The shared formats, as Kubernetes publishes them in v3: a type that may be one of two is a
# oneOf without a type of its own (kubectl explain then names it: <IntOrString>, <Quantity>).
_SCALARS: dict[str, dict[str, Any]] = {
    _TIME: {"type": "string", "format": "date-time"},
    _MICRO_TIME: {"type": "string", "format": "date-time"},
    _QUANTITY: {"oneOf": [{"type": "string"}, {"type": "number"}]},
    _INT_OR_STRING: {"oneOf": [{"type": "integer"}, {"type": "string"}], "format": "int-or-string"},
}


def _group_prefix(info: KindInfo) -> str:
    if _built_in(info.cls):
        group = info.group.removesuffix(".k8s.io") or "core"
        return f"io.k8s.api.{group}.{info.version}"
    reversed_group = ".".join(reversed(info.group.split("."))) if info.group else "core"
    return f"{reversed_group}.{info.version}"


def component_name(cls: type[Any], owner: KindInfo | None = None) -> str:
    """Kubernetes' name of the schema of ``cls`` (``owner``: the kind it was reached from)."""
    name = cls.__name__
    if name in _CLASS_PREFIX and _built_in(cls):
        return f"{_CLASS_PREFIX[name]}.{name}"
    prefix = _MODULE_PREFIX.get(cls.__module__)
    if prefix is not None:
        return f"{prefix}.{name}"
    try:
        return f"{_group_prefix(kind_info(cls))}.{name}"
    except KeyError:
        pass
    if _built_in(cls):
        return f"{_CORE}.{name}"
    return f"{_group_prefix(owner)}.{name}" if owner is not None else f"{cls.__module__}.{name}"


def ref(name: str) -> dict[str, Any]:
    return {"$ref": f"#/components/schemas/{name}"}


class _Builder:
    """Walks the classes reachable from some kinds and collects their components."""

    def __init__(self) -> None:
        self.components: dict[str, dict[str, Any]] = {}

    def add_kind(self, info: KindInfo) -> str:
        """The component of a kind, and of its list when the resource can be listed."""
        name = self.add_class(info.cls, info)
        schema = self.components[name]
        schema["x-kubernetes-group-version-kind"] = [
            {"group": info.group, "kind": info.kind, "version": info.version}
        ]
        schema["properties"] = {
            "apiVersion": _string(description_of("TypeMeta", "apiVersion")),
            "kind": _string(description_of("TypeMeta", "kind")),
            **schema["properties"],
        }
        if "list" not in resource_of(info).verbs:  # bindings, the reviews: no list type
            return name
        list_name = f"{name}List"
        self.components[list_name] = {
            "description": f"{info.kind}List is a list of {info.kind} objects.",
            "type": "object",
            "required": ["items"],
            "properties": {
                "apiVersion": _string(description_of("TypeMeta", "apiVersion")),
                "items": {
                    "description": f"Items is the list of {info.kind} objects.",
                    "type": "array",
                    "items": {"allOf": [ref(name)], "default": {}},
                },
                "kind": _string(description_of("TypeMeta", "kind")),
                "metadata": {
                    "allOf": [ref(f"{META}.ListMeta")],
                    "default": {},
                    "description": description_of("ListMeta", ""),
                },
            },
            "x-kubernetes-group-version-kind": [
                {"group": info.group, "kind": f"{info.kind}List", "version": info.version}
            ],
        }
        self.components.setdefault(f"{META}.ListMeta", _list_meta())
        return name

    def add_class(self, cls: type[Any], owner: KindInfo) -> str:
        """The component of ``cls`` (reached from the kind ``owner``), added if new."""
        name = component_name(cls, owner)
        if name in self.components:
            return name
        short = cls.__name__
        schema: dict[str, Any] = {"type": "object", "properties": {}}
        text = description_of(short, "") if _built_in(cls) else _docstring(cls)
        if text:
            schema["description"] = text
        self.components[name] = schema  # before the fields: classes may refer to themselves
        of_kind = owner.cls is cls
        hints = typing.get_type_hints(cls)
        wires = wire_names(cls)
        # A CustomResourceDefinition's kind: its spec and status as the CRD's schema says.
        published = getattr(cls, "openapi_v3_schema", None) or {}
        if published.get("description"):
            schema["description"] = published["description"]
        given = published.get("properties") or {}
        for field in attrs.fields(cls):
            wire = wires[field.name]
            if wire in given and wire != "metadata":
                schema["properties"][wire] = copy.deepcopy(given[wire])
                continue
            prop = self._schema_of(hints[field.name], owner, short, wire)
            text = field.metadata.get("description") or description_of(
                short if _built_in(cls) else "", wire, of_kind=of_kind
            )
            if text:
                prop["description"] = text
            prop.update(_merge_markers(field_type(cls, field), prop))
            if (short, wire) in ENUMS:
                prop["enum"] = list(ENUMS[short, wire])
            schema["properties"][wire] = prop
        required = REQUIRED.get(short)
        if required:
            schema["required"] = list(required)
        return name

    def _schema_of(self, t: Any, owner: KindInfo, short: str, wire: str) -> dict[str, Any]:
        args = typing.get_args(t)
        origin = typing.get_origin(t)
        if origin in (types.UnionType, typing.Union):
            present = [a for a in args if a is not type(None)]
            if set(present) == {int, str}:
                return self._scalar(_INT_OR_STRING)
            return self._schema_of(present[0], owner, short, wire)
        if origin is tuple:
            item = self._schema_of(args[0], owner, short, wire)
            return {"type": "array", "items": _with_default(item)}
        if origin is not None and isinstance(origin, type) and issubclass(origin, Mapping):
            value = self._schema_of(args[1], owner, short, wire)
            return {"type": "object", "additionalProperties": _with_default(value)}
        if t is bool:
            return {"type": "boolean"}
        if t is int:
            return {"type": "integer", "format": "int64" if wire in INT64_FIELDS else "int32"}
        if t is float:
            return {"type": "number", "format": "double"}
        if t is str:
            return {"type": "string"}
        if t is dt.datetime:
            micro = (short, wire) in MICRO_TIME_FIELDS
            return self._scalar(_MICRO_TIME if micro else _TIME)
        if t is Quantity:
            return self._scalar(_QUANTITY)
        if t in _SHARED_CLASSES:
            return {"allOf": [ref(_SHARED_CLASSES[t])]}
        if attrs.has(t):
            return {"allOf": [ref(self.add_class(t, owner))], "default": {}}
        return {"type": "object", "x-kubernetes-preserve-unknown-fields": True}

    def _scalar(self, name: str) -> dict[str, Any]:
        if name not in self.components:
            short = name.rpartition(".")[2]
            self.components[name] = {"description": description_of(short, ""), **_SCALARS[name]}
        return {"allOf": [ref(name)]}


def _built_in(cls: type[Any]) -> bool:
    """One of Kubernetes' own classes (a CRD's kind is made in kube_actors.api, yet the user's)."""
    return cls.__module__.startswith("kube_actors.api") and not getattr(
        cls, "defined_by_crd", False
    )


def _docstring(cls: type[Any]) -> str:
    """A user class's description: its docstring's first paragraph, on one line."""
    paragraph = (cls.__doc__ or "").strip().split("\n\n")[0]
    return " ".join(paragraph.split())


def _merge_markers(merge: FieldType, prop: dict[str, Any]) -> dict[str, Any]:
    """The ``x-kubernetes-*`` extensions of a field, from the one table of how fields merge."""
    markers: dict[str, Any] = {}
    if prop.get("type") == "array":
        markers["x-kubernetes-list-type"] = merge.list_type
        if merge.list_type == "map":
            markers["x-kubernetes-list-map-keys"] = list(merge.list_map_keys)
    elif merge.map_type == "atomic":
        markers["x-kubernetes-map-type"] = "atomic"
    if merge.patch_merge_key:
        markers["x-kubernetes-patch-merge-key"] = merge.patch_merge_key
    if merge.patch_strategy:
        markers["x-kubernetes-patch-strategy"] = merge.patch_strategy
    return markers


def _with_default(schema: dict[str, Any]) -> dict[str, Any]:
    return {**schema, "default": {}} if "allOf" in schema else schema


def _string(description: str) -> dict[str, Any]:
    return {"type": "string", "description": description}


def _list_meta() -> dict[str, Any]:
    properties: dict[str, dict[str, Any]] = {
        "continue": {"type": "string"},
        "remainingItemCount": {"type": "integer", "format": "int64"},
        "resourceVersion": {"type": "string"},
        "selfLink": {"type": "string"},
    }
    for name, prop in properties.items():
        text = description_of("ListMeta", name)
        if text:
            prop["description"] = text
    return {
        "description": description_of("ListMeta", ""),
        "type": "object",
        "properties": properties,
    }


def components_for(
    group: str, version: str, also: Callable[[KindInfo], Iterable[type[Any]]] = lambda _: ()
) -> tuple[list[KindInfo], dict[str, dict[str, Any]]]:
    """The kinds served in ``group/version`` and every component their schemas need, with
    the classes ``also`` names for each kind (what its subresources take)."""
    builder = _Builder()
    served = [info for info in kinds() if info.group == group and info.version == version]
    for info in served:
        builder.add_kind(info)
        for cls in also(info):
            builder.add_class(cls, info)
    # Every document has a Status, whose metadata is a ListMeta, lists or not.
    builder.components.setdefault(f"{META}.ListMeta", _list_meta())
    return served, dict(sorted(builder.components.items()))
