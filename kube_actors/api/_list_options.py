"""Which ``resourceVersion`` / ``resourceVersionMatch`` pairs a list may ask for.

Kubernetes' ``ValidateListOptions``, checked by the apiserver for every list (in-process and
over HTTP), so a bad pair is refused with its words before anything is read:

- ``resourceVersionMatch`` is ``Exact`` or ``NotOlderThan``, and needs a ``resourceVersion``;
- ``Exact`` cannot ask for ``"0"`` (any state is not one exact state);
- a watch takes no ``resourceVersionMatch``; a ``continue`` token carries its own version.
"""

from __future__ import annotations

from typing import Literal

from kube_actors.errors import FieldCause, Invalid

__all__ = ["ResourceVersionMatch", "check_list_options"]

ResourceVersionMatch = Literal["", "Exact", "NotOlderThan"]


def check_list_options(
    resource_version: str,
    resource_version_match: str,
    *,
    continue_token: str = "",
    watch: bool = False,
) -> None:
    """Raise ``Invalid`` (``ListOptions.meta.k8s.io``) naming every bad field."""
    causes: list[FieldCause] = []
    match, version = resource_version_match, resource_version
    if match and match not in ("Exact", "NotOlderThan"):
        causes.append(
            FieldCause(
                field="resourceVersionMatch",
                message=f'Unsupported value: "{match}": supported values: "Exact", "NotOlderThan"',
                type="FieldValueNotSupported",
            )
        )
    elif match and watch:
        causes.append(_forbidden("resourceVersionMatch is forbidden for watch"))
    elif match and not version:
        causes.append(
            _forbidden("resourceVersionMatch is forbidden unless resourceVersion is provided")
        )
    elif match == "Exact" and version == "0":
        causes.append(
            _forbidden('resourceVersionMatch "exact" is forbidden for resourceVersion "0"')
        )
    if continue_token and version not in ("", "0"):
        causes.append(
            _forbidden(
                "specifying resource version is not allowed when using continue",
                field="resourceVersion",
            )
        )
    if causes:
        raise Invalid.for_object("ListOptions", "", causes, group="meta.k8s.io")


def _forbidden(detail: str, field: str = "resourceVersionMatch") -> FieldCause:
    return FieldCause(field=field, message=f"Forbidden: {detail}", type="FieldValueForbidden")
