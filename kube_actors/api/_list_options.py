"""Which ``resourceVersion`` / ``resourceVersionMatch`` pairs a list or watch may ask for.

Kubernetes' ``ValidateListOptions``, checked by the apiserver for every list (in-process and
over HTTP) before anything is read, every bad field reported at once as an ``Invalid``
``ListOptions.meta.k8s.io``:

- a list's ``resourceVersionMatch`` is ``Exact`` or ``NotOlderThan``, needs a
  ``resourceVersion``, takes no ``continue`` token, and ``Exact`` cannot ask for ``"0"`` (any
  state is not one exact state); a list takes no ``sendInitialEvents``;
- a watch takes ``resourceVersionMatch`` (``NotOlderThan`` only) with ``sendInitialEvents``
  alone, which is refused as by a Kubernetes whose WatchList feature gate is off (the
  streamed initial list is not served here).

Then, as Kubernetes' storage layer does, a ``continue`` token with a ``resourceVersion`` other
than ``"0"`` is a ``BadRequest``: the token carries its own version.
"""

from __future__ import annotations

from typing import Literal

from kube_actors.errors import BadRequest, FieldCause, Invalid

__all__ = ["ResourceVersionMatch", "check_list_options"]

ResourceVersionMatch = Literal["", "Exact", "NotOlderThan"]


def check_list_options(
    resource_version: str,
    resource_version_match: str,
    *,
    continue_token: str = "",
    watch: bool = False,
    send_initial_events: bool | None = None,
) -> None:
    """Raise ``Invalid`` naming every bad field, or ``BadRequest`` for a version with a
    continue token."""
    if watch:
        causes = _watch_causes(resource_version_match, continue_token, send_initial_events)
    else:
        causes = _list_causes(
            resource_version, resource_version_match, continue_token, send_initial_events
        )
    if causes:
        raise Invalid.for_object("ListOptions", "", causes, group="meta.k8s.io")
    if continue_token and resource_version not in ("", "0"):
        raise BadRequest("specifying resource version is not allowed when using continue")


def _list_causes(
    version: str, match: str, continue_token: str, send_initial_events: bool | None
) -> list[FieldCause]:
    causes: list[FieldCause] = []
    if match:
        if not version:
            causes.append(
                _forbidden("resourceVersionMatch is forbidden unless resourceVersion is provided")
            )
        if continue_token:
            causes.append(_forbidden("resourceVersionMatch is forbidden when continue is provided"))
        if match not in ("Exact", "NotOlderThan"):
            causes.append(_not_supported(match, ("Exact", "NotOlderThan", "")))
        if match == "Exact" and version == "0":
            causes.append(
                _forbidden('resourceVersionMatch "exact" is forbidden for resourceVersion "0"')
            )
    if send_initial_events is not None:
        causes.append(
            _forbidden("sendInitialEvents is forbidden for list", field="sendInitialEvents")
        )
    return causes


def _watch_causes(
    match: str, continue_token: str, send_initial_events: bool | None
) -> list[FieldCause]:
    causes: list[FieldCause] = []
    if send_initial_events is not None:
        if match != "NotOlderThan":
            causes.append(
                _forbidden(
                    "sendInitialEvents requires setting resourceVersionMatch to NotOlderThan"
                )
            )
        causes.append(
            _forbidden(
                "sendInitialEvents is forbidden for watch unless the WatchList feature gate "
                "is enabled",
                field="sendInitialEvents",
            )
        )
    if match:
        if send_initial_events is None:
            causes.append(
                _forbidden(
                    "resourceVersionMatch is forbidden for watch unless sendInitialEvents is "
                    "provided"
                )
            )
        if match != "NotOlderThan":
            causes.append(_not_supported(match, ("NotOlderThan",)))
        if continue_token:
            causes.append(_forbidden("resourceVersionMatch is forbidden when continue is provided"))
    return causes


def _forbidden(detail: str, field: str = "resourceVersionMatch") -> FieldCause:
    return FieldCause(field=field, message=f"Forbidden: {detail}", type="FieldValueForbidden")


def _not_supported(value: str, supported: tuple[str, ...]) -> FieldCause:
    quoted = ", ".join(f'"{v}"' for v in supported)
    return FieldCause(
        field="resourceVersionMatch",
        message=f'Unsupported value: "{value}": supported values: {quoted}',
        type="FieldValueNotSupported",
    )
