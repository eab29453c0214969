"""``kubectl get`` columns of the RBAC kinds, as Kubernetes' printers define them: a role's
creation time, a binding's role and (``-o wide``) its users, groups and service accounts."""

from __future__ import annotations

import datetime as dt
from typing import Any

from ..api import ClusterRole, ClusterRoleBinding, Role, RoleBinding
from ._columns import AGE, NAME, Column

__all__ = ["RBAC_COLUMNS"]


def _created_at(created: dt.datetime | None) -> str:
    return created.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ") if created else ""


CREATED_AT = Column(
    name="Created At",
    type="date",
    description="When the role was created, in RFC 3339.",
    cell=lambda r, now: _created_at(r.metadata.creation_timestamp),
)


def _subjects(binding: RoleBinding | ClusterRoleBinding, kind: str) -> str:
    if kind == "ServiceAccount":
        names = [f"{s.namespace}/{s.name}" for s in binding.subjects if s.kind == kind]
    else:
        names = [s.name for s in binding.subjects if s.kind == kind]
    return ", ".join(names)


def _binding_columns() -> tuple[Column, ...]:
    return (
        NAME,
        Column(
            name="Role",
            description="The role the binding grants, as kind/name.",
            cell=lambda b, now: f"{b.role_ref.kind}/{b.role_ref.name}",
        ),
        AGE,
        Column(
            name="Users",
            priority=1,
            description="The users the binding grants the role to.",
            cell=lambda b, now: _subjects(b, "User"),
        ),
        Column(
            name="Groups",
            priority=1,
            description="The groups the binding grants the role to.",
            cell=lambda b, now: _subjects(b, "Group"),
        ),
        Column(
            name="ServiceAccounts",
            priority=1,
            description="The service accounts the binding grants the role to.",
            cell=lambda b, now: _subjects(b, "ServiceAccount"),
        ),
    )


RBAC_COLUMNS: dict[type[Any], tuple[Column, ...]] = {
    Role: (NAME, CREATED_AT),
    ClusterRole: (NAME, CREATED_AT),
    RoleBinding: _binding_columns(),
    ClusterRoleBinding: _binding_columns(),
}
