"""rbac.authorization.k8s.io/v1: Role, ClusterRole, RoleBinding, ClusterRoleBinding.

A rule grants verbs on resources of API groups (optionally only the objects named in
``resource_names``), or verbs on non-resource URLs (a ClusterRole's only). A binding grants
the rules of the role it refers to (``role_ref``) to its subjects: users, groups or service
accounts. A ClusterRole with an ``aggregation_rule`` has its rules filled in by the
clusterrole-aggregation controller from the ClusterRoles its selectors match.
"""

from __future__ import annotations

from typing import ClassVar, Final

import attrs

from ._base import freeze_seq, wire
from ._meta import LabelSelector, ObjectMeta

__all__ = [
    "RBAC_GROUP",
    "AggregationRule",
    "ClusterRole",
    "ClusterRoleBinding",
    "PolicyRule",
    "Role",
    "RoleBinding",
    "RoleRef",
    "Subject",
]

#: The API group of the RBAC kinds (and of a User's or Group's subject).
RBAC_GROUP: Final = "rbac.authorization.k8s.io"


@attrs.frozen(kw_only=True)
class PolicyRule:
    """Verbs allowed on resources of API groups, or on non-resource URLs. ``*`` matches any
    verb, group or resource; ``*/scale`` any resource's ``scale`` subresource."""

    verbs: tuple[str, ...] = attrs.field(default=(), converter=freeze_seq)
    api_groups: tuple[str, ...] = attrs.field(default=(), converter=freeze_seq)
    resources: tuple[str, ...] = attrs.field(default=(), converter=freeze_seq)
    resource_names: tuple[str, ...] = attrs.field(default=(), converter=freeze_seq)
    non_resource_urls: tuple[str, ...] = wire("nonResourceURLs", default=(), converter=freeze_seq)


@attrs.frozen(kw_only=True)
class AggregationRule:
    """The ClusterRoles whose rules an aggregated ClusterRole gathers: any selector matching."""

    cluster_role_selectors: tuple[LabelSelector, ...] = attrs.field(
        default=(), converter=freeze_seq
    )


@attrs.frozen(kw_only=True)
class Subject:
    """Who a binding grants to: ``kind`` User, Group or ServiceAccount (with ``namespace``)."""

    kind: str = ""
    api_group: str = ""
    name: str = ""
    namespace: str = ""


@attrs.frozen(kw_only=True)
class RoleRef:
    """The role a binding grants: ``kind`` Role or ClusterRole, in the RBAC group."""

    api_group: str = ""
    kind: str = ""
    name: str = ""


@attrs.frozen(kw_only=True)
class Role:
    """Rules within one namespace."""

    api_version: ClassVar[str] = "rbac.authorization.k8s.io/v1"
    kind: ClassVar[str] = "Role"

    metadata: ObjectMeta = attrs.field(default=ObjectMeta())
    rules: tuple[PolicyRule, ...] = attrs.field(default=(), converter=freeze_seq)


@attrs.frozen(kw_only=True)
class ClusterRole:
    """Rules across the cluster (or in one namespace, through a RoleBinding)."""

    api_version: ClassVar[str] = "rbac.authorization.k8s.io/v1"
    kind: ClassVar[str] = "ClusterRole"

    metadata: ObjectMeta = attrs.field(default=ObjectMeta())
    rules: tuple[PolicyRule, ...] = attrs.field(default=(), converter=freeze_seq)
    aggregation_rule: AggregationRule | None = None


@attrs.frozen(kw_only=True)
class RoleBinding:
    """Grants a Role's, or a ClusterRole's, rules to subjects in the binding's namespace."""

    api_version: ClassVar[str] = "rbac.authorization.k8s.io/v1"
    kind: ClassVar[str] = "RoleBinding"

    metadata: ObjectMeta = attrs.field(default=ObjectMeta())
    subjects: tuple[Subject, ...] = attrs.field(default=(), converter=freeze_seq)
    role_ref: RoleRef = attrs.field(default=RoleRef())


@attrs.frozen(kw_only=True)
class ClusterRoleBinding:
    """Grants a ClusterRole's rules to subjects in every namespace."""

    api_version: ClassVar[str] = "rbac.authorization.k8s.io/v1"
    kind: ClassVar[str] = "ClusterRoleBinding"

    metadata: ObjectMeta = attrs.field(default=ObjectMeta())
    subjects: tuple[Subject, ...] = attrs.field(default=(), converter=freeze_seq)
    role_ref: RoleRef = attrs.field(default=RoleRef())
