"""How Kubernetes validates a CustomResourceDefinition's manifest: names, scope, versions
(exactly one storage version) and the structural rules of each version's schema.

A building block of CRDs (issue #17): ``crd_causes`` takes the manifest as plain data and
returns Kubernetes' field errors, so the apiserver can refuse a bad CRD with 422.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from kube_actors.errors import FieldCause

from ._crd_cel import rule_causes

__all__ = ["crd_causes"]

_DNS1035 = re.compile(r"^[a-z]([-a-z0-9]*[a-z0-9])?$")
_SCOPES = ("Cluster", "Namespaced")
_TYPES = ("array", "boolean", "integer", "number", "object", "string")


def _cause(field: str, message: str, type: str = "FieldValueInvalid") -> FieldCause:
    return FieldCause(field=field, message=message, type=type)


def crd_causes(manifest: Mapping[str, Any]) -> list[FieldCause]:
    """What is wrong with a CustomResourceDefinition manifest (apiextensions.k8s.io/v1)."""
    spec = manifest.get("spec") or {}
    names = spec.get("names") or {}
    group = spec.get("group") or ""
    causes: list[FieldCause] = []
    name = (manifest.get("metadata") or {}).get("name", "")
    plural = names.get("plural") or ""
    if name != f"{plural}.{group}":
        causes.append(
            _cause(
                "metadata.name",
                f'Invalid value: "{name}": must be spec.names.plural+"."+spec.group',
            )
        )
    if not group:
        causes.append(_cause("spec.group", "Required value", "FieldValueRequired"))
    elif "." not in group:
        causes.append(
            _cause(
                "spec.group", f'Invalid value: "{group}": should be a domain with at least one dot'
            )
        )
    causes += _names_causes(names)
    scope = spec.get("scope")
    if scope not in _SCOPES:
        causes.append(
            _cause(
                "spec.scope",
                f'Unsupported value: "{scope or ""}": supported values: "Cluster", "Namespaced"',
                "FieldValueNotSupported",
            )
        )
    causes += _versions_causes(spec.get("versions") or [])
    strategy = (spec.get("conversion") or {}).get("strategy", "None")
    if strategy != "None":
        # Kubernetes also takes "Webhook"; no conversion webhook can be called here.
        causes.append(
            _cause(
                "spec.conversion.strategy",
                f'Unsupported value: "{strategy}": supported values: "None" '
                "(conversion webhooks are not supported)",
                "FieldValueNotSupported",
            )
        )
    return causes


def _names_causes(names: Mapping[str, Any]) -> list[FieldCause]:
    causes: list[FieldCause] = []
    for key in ("plural", "kind"):
        if not names.get(key):
            causes.append(_cause(f"spec.names.{key}", "Required value", "FieldValueRequired"))
    for key in ("plural", "singular"):
        value = names.get(key)
        if value and not _DNS1035.match(value):
            causes.append(
                _cause(
                    f"spec.names.{key}",
                    f'Invalid value: "{value}": a lowercase RFC 1035 label must consist of '
                    "lower case alphanumeric characters or '-', start with an alphabetic "
                    "character, and end with an alphanumeric character",
                )
            )
    for index, short in enumerate(names.get("shortNames") or ()):
        if not _DNS1035.match(short):
            causes.append(
                _cause(
                    f"spec.names.shortNames[{index}]",
                    f'Invalid value: "{short}": must be a lowercase RFC 1035 label',
                )
            )
    return causes


def _versions_causes(versions: list[Mapping[str, Any]]) -> list[FieldCause]:
    causes: list[FieldCause] = []
    if not versions:
        causes.append(_cause("spec.versions", "Required value", "FieldValueRequired"))
    seen: set[str] = set()
    for index, version in enumerate(versions):
        path = f"spec.versions[{index}]"
        vname = version.get("name") or ""
        if not _DNS1035.match(vname):
            causes.append(
                _cause(f"{path}.name", f'Invalid value: "{vname}": must be a DNS-1035 label')
            )
        elif vname in seen:
            causes.append(
                _cause(f"{path}.name", f'Duplicate value: "{vname}"', "FieldValueDuplicate")
            )
        seen.add(vname)
        causes += _subresources_causes(version.get("subresources") or {}, f"{path}.subresources")
        schema = (version.get("schema") or {}).get("openAPIV3Schema")
        if schema is None:
            causes.append(
                _cause(
                    f"{path}.schema.openAPIV3Schema",
                    "Required value: schemas are required",
                    "FieldValueRequired",
                )
            )
        else:
            causes += _structural_causes(schema, f"{path}.schema.openAPIV3Schema", root=True)
    storage = sum(1 for v in versions if v.get("storage"))
    if versions and storage != 1:
        causes.append(
            _cause(
                "spec.versions",
                "Invalid value: must have exactly one version marked as storage version",
            )
        )
    if versions and not any(v.get("served") for v in versions):
        causes.append(
            _cause(
                "spec.versions", "Invalid value: must have at least one version marked as served"
            )
        )
    return causes


#: Where each path of the scale subresource must point, and Kubernetes' words when it does not.
_SCALE_PATHS = (
    ("specReplicasPath", (".spec.",), "should be a json path under .spec", True),
    ("statusReplicasPath", (".status.",), "should be a json path under .status", True),
    (
        "labelSelectorPath",
        (".spec.", ".status."),
        "should be a json path under either .spec or .status",
        False,
    ),
)


def _subresources_causes(subresources: Mapping[str, Any], path: str) -> list[FieldCause]:
    scale = subresources.get("scale")
    if scale is None:
        return []
    causes: list[FieldCause] = []
    for key, prefixes, message, required in _SCALE_PATHS:
        value = scale.get(key) or ""
        where = f"{path}.scale.{key}"
        if not value:
            if required:
                causes.append(_cause(where, "Required value", "FieldValueRequired"))
        elif not value.startswith(prefixes):
            causes.append(_cause(where, f'Invalid value: "{value}": {message}'))
    return causes


def _structural_causes(
    schema: Mapping[str, Any], path: str, *, root: bool = False
) -> list[FieldCause]:
    """Kubernetes' structural rules: every specified field has a type (unless it is
    int-or-string or preserves unknown fields), and the root is an object."""
    causes: list[FieldCause] = []
    kind = schema.get("type")
    open_ended = schema.get("x-kubernetes-int-or-string") or schema.get(
        "x-kubernetes-preserve-unknown-fields"
    )
    if not kind and not open_ended:
        where = "at the root" if root else "for specified object fields"
        causes.append(
            _cause(
                f"{path}.type", f"Required value: must not be empty {where}", "FieldValueRequired"
            )
        )
    elif kind and kind not in _TYPES:
        causes.append(
            _cause(
                f"{path}.type",
                f'Unsupported value: "{kind}": supported values: '
                + ", ".join(f'"{t}"' for t in _TYPES),
                "FieldValueNotSupported",
            )
        )
    elif root and kind != "object":
        causes.append(
            _cause(f"{path}.type", f'Invalid value: "{kind}": must be object at the root')
        )
    causes += rule_causes(schema, path)
    for name, sub in (schema.get("properties") or {}).items():
        causes += _structural_causes(sub, f"{path}.properties[{name}]")
    items = schema.get("items")
    if isinstance(items, Mapping):
        causes += _structural_causes(items, f"{path}.items")
    elif kind == "array":
        causes.append(
            _cause(f"{path}.items", "Required value: must be specified", "FieldValueRequired")
        )
    return causes
