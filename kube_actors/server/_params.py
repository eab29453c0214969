"""Query parameters, read as Kubernetes reads them (``metav1.ListOptions``, ``DeleteOptions``...).

Booleans follow Go's ``strconv.ParseBool`` (``1 t T TRUE true True`` and the false ones);
numbers must be integers; anything else is a 400 that names the parameter. The options are
then the apiserver's own request fields: nothing here decides what they mean.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final, Literal, cast

import attrs

from kube_actors.api import (
    DeleteOptions,
    Preconditions,
    PropagationPolicy,
    ResourceVersionMatch,
    check_list_options,
)
from kube_actors.errors import BadRequest

__all__ = [
    "FieldValidation",
    "ListParams",
    "WriteParams",
    "delete_options_of",
    "parse_bool",
    "parse_int",
]

_TRUE: Final = frozenset({"1", "t", "T", "TRUE", "true", "True"})
_FALSE: Final = frozenset({"0", "f", "F", "FALSE", "false", "False"})
_POLICIES: Final = ("Orphan", "Background", "Foreground")
FieldValidation = Literal["Strict", "Warn", "Ignore"]


def parse_bool(name: str, value: str) -> bool:
    """Go's ``strconv.ParseBool``; an empty value (``?watch``) is false, as in Kubernetes."""
    if value in _TRUE:
        return True
    if value in _FALSE or value == "":
        return False
    raise BadRequest(
        f'invalid value for {name}: strconv.ParseBool: parsing "{value}": invalid syntax'
    )


def parse_int(name: str, value: str) -> int:
    try:
        return int(value, 10)
    except ValueError:
        raise BadRequest(
            f'invalid value for {name}: strconv.ParseInt: parsing "{value}": invalid syntax'
        ) from None


def _optional_int(query: Mapping[str, str], name: str) -> int | None:
    raw = query.get(name)
    return None if raw is None else parse_int(name, raw)


@attrs.frozen(kw_only=True)
class ListParams:
    """``metav1.ListOptions`` from a query string."""

    label_selector: str = ""
    field_selector: str = ""
    resource_version: str = ""
    resource_version_match: ResourceVersionMatch = ""
    limit: int = 0
    continue_token: str = ""
    watch: bool = False
    allow_watch_bookmarks: bool = False
    timeout_seconds: int | None = None
    #: Only checked: the streamed initial list of a watch (WatchList) is not served.
    send_initial_events: bool | None = None

    @classmethod
    def parse(cls, query: Mapping[str, str]) -> ListParams:
        params = cls(
            label_selector=query.get("labelSelector", ""),
            field_selector=query.get("fieldSelector", ""),
            resource_version=query.get("resourceVersion", ""),
            # validate() below refuses any other value.
            resource_version_match=cast(
                "ResourceVersionMatch", query.get("resourceVersionMatch", "")
            ),
            limit=_optional_int(query, "limit") or 0,
            continue_token=query.get("continue", ""),
            watch=parse_bool("watch", query.get("watch", "false")),
            allow_watch_bookmarks=parse_bool(
                "allowWatchBookmarks", query.get("allowWatchBookmarks", "false")
            ),
            timeout_seconds=_optional_int(query, "timeoutSeconds"),
            send_initial_events=(
                parse_bool("sendInitialEvents", query["sendInitialEvents"])
                if "sendInitialEvents" in query
                else None
            ),
        )
        params.validate()
        return params

    def validate(self) -> None:
        """Kubernetes' ``ValidateListOptions``: a resourceVersionMatch needs a version."""
        check_list_options(
            self.resource_version,
            self.resource_version_match,
            continue_token=self.continue_token,
            watch=self.watch,
            send_initial_events=self.send_initial_events,
        )


@attrs.frozen(kw_only=True)
class WriteParams:
    """The parameters every write takes: ``dryRun``, ``fieldManager``, ``fieldValidation``,
    ``force`` (apply), and for deletes ``gracePeriodSeconds`` and ``propagationPolicy``."""

    dry_run: bool = False
    field_manager: str = ""
    field_validation: FieldValidation = "Warn"
    force: bool = False
    grace_period_seconds: int | None = None
    propagation_policy: PropagationPolicy | None = None

    @classmethod
    def parse(cls, query: Mapping[str, str]) -> WriteParams:
        dry_run = query.get("dryRun", "")
        if dry_run not in ("", "All"):
            raise BadRequest(f'Invalid dry run value: "{dry_run}"')
        validation = query.get("fieldValidation", "Warn") or "Warn"
        if validation not in ("Strict", "Warn", "Ignore"):
            raise BadRequest(
                f'fieldValidation: Unsupported value: "{validation}": supported values: '
                '"Ignore", "Strict", "Warn"'
            )
        policy = query.get("propagationPolicy")
        if policy is not None and policy not in _POLICIES:
            raise BadRequest(
                f'propagationPolicy: Unsupported value: "{policy}": supported values: '
                '"Foreground", "Background", "Orphan"'
            )
        return cls(
            dry_run=dry_run == "All",
            field_manager=query.get("fieldManager", ""),
            field_validation=validation,  # type: ignore[arg-type]
            force=parse_bool("force", query.get("force", "false")),
            grace_period_seconds=_optional_int(query, "gracePeriodSeconds"),
            propagation_policy=policy,  # type: ignore[arg-type]
        )


def delete_options_of(data: Mapping[str, Any]) -> DeleteOptions:
    """``metav1.DeleteOptions`` (as in a DELETE body or an Eviction) as the apiserver's."""
    policy = data.get("propagationPolicy")
    if policy is not None and policy not in ("Orphan", "Background", "Foreground"):
        raise BadRequest(
            f'propagationPolicy: Unsupported value: "{policy}": supported values: '
            '"Foreground", "Background", "Orphan"'
        )
    if data.get("orphanDependents") is True and policy is None:
        policy = "Orphan"  # the deprecated spelling of the same thing
    grace = data.get("gracePeriodSeconds")
    if grace is not None and (not isinstance(grace, int) or isinstance(grace, bool)):
        raise BadRequest("gracePeriodSeconds: expected an integer")
    raw = data.get("preconditions") or {}
    preconditions = None
    if raw:
        preconditions = Preconditions(
            uid=raw.get("uid"), resource_version=raw.get("resourceVersion")
        )
    return DeleteOptions(
        grace_period_seconds=grace, propagation_policy=policy, preconditions=preconditions
    )
