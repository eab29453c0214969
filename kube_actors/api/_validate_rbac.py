"""Defaulting and validation of the RBAC kinds, as Kubernetes' ``pkg/apis/rbac/validation``."""

from __future__ import annotations

from typing import Final, TypeVar

import attrs

from kube_actors.errors import FieldCause

from . import _checks as c
from . import _field as f
from ._converter import to_dict
from ._names import is_dns1123_subdomain, is_path_segment_name
from ._rbac import (
    RBAC_GROUP,
    ClusterRole,
    ClusterRoleBinding,
    PolicyRule,
    Role,
    RoleBinding,
    RoleRef,
    Subject,
)

__all__ = [
    "default_binding",
    "validate_cluster_role",
    "validate_cluster_role_binding",
    "validate_role",
    "validate_role_binding",
]

Causes = list[FieldCause]
SUBJECT_KINDS: Final = ("ServiceAccount", "User", "Group")
B = TypeVar("B", RoleBinding, ClusterRoleBinding)


def _default_subject(subject: Subject) -> Subject:
    if not subject.api_group and subject.kind in ("User", "Group"):
        return attrs.evolve(subject, api_group=RBAC_GROUP)
    return subject


def default_binding(binding: B) -> B:
    """A User's or Group's subject is in the RBAC group unless it says otherwise."""
    subjects = tuple(_default_subject(s) for s in binding.subjects)
    if subjects == binding.subjects:
        return binding
    return attrs.evolve(binding, subjects=subjects)


def _rule(path: str, rule: PolicyRule, *, namespaced: bool) -> Causes:
    causes: Causes = []
    if not rule.verbs:
        causes.append(f.required(f.child(path, "verbs"), "verbs must contain at least one value"))
    if rule.non_resource_urls:
        at = f.child(path, "nonResourceURLs")
        if namespaced:
            detail = "namespaced rules cannot apply to non-resource URLs"
            causes.append(f.invalid(at, list(rule.non_resource_urls), detail))
        if rule.api_groups or rule.resources:
            detail = "rules cannot apply to both regular resources and non-resource URLs"
            causes.append(f.invalid(at, list(rule.non_resource_urls), detail))
        return causes
    if not rule.api_groups:
        detail = "resource rules must supply at least one api group"
        causes.append(f.required(f.child(path, "apiGroups"), detail))
    if not rule.resources:
        detail = "resource rules must supply at least one resource"
        causes.append(f.required(f.child(path, "resources"), detail))
    return causes


def _rules(rules: tuple[PolicyRule, ...], *, namespaced: bool) -> Causes:
    causes: Causes = []
    for i, rule in enumerate(rules):
        causes.extend(_rule(f.index("rules", i), rule, namespaced=namespaced))
    return causes


def validate_role(obj: Role, old: Role | None) -> Causes:
    return _rules(obj.rules, namespaced=True)


def validate_cluster_role(obj: ClusterRole, old: ClusterRole | None) -> Causes:
    causes = _rules(obj.rules, namespaced=False)
    if obj.aggregation_rule is not None:
        selectors = obj.aggregation_rule.cluster_role_selectors
        at = "aggregationRule.clusterRoleSelectors"
        if not selectors:
            causes.append(
                f.required(
                    at, "at least one clusterRoleSelector required if aggregationRule is non-nil"
                )
            )
        for i, selector in enumerate(selectors):
            causes.extend(c.label_selector(f.index(at, i), selector))
    return causes


def _role_ref(ref: RoleRef, kinds: tuple[str, ...]) -> Causes:
    causes: Causes = []
    if ref.api_group != RBAC_GROUP:
        causes.append(f.not_supported("roleRef.apiGroup", ref.api_group, (RBAC_GROUP,)))
    if ref.kind not in kinds:
        causes.append(f.not_supported("roleRef.kind", ref.kind, kinds))
    if not ref.name:
        causes.append(f.required("roleRef.name"))
    else:
        problems = is_path_segment_name(ref.name)
        causes.extend(f.invalid("roleRef.name", ref.name, p) for p in problems)
    return causes


def _subject(path: str, subject: Subject, *, namespaced: bool) -> Causes:
    causes: Causes = []
    if not subject.name:
        causes.append(f.required(f.child(path, "name")))
    if subject.kind == "ServiceAccount":
        if subject.name:
            problems = is_dns1123_subdomain(subject.name)
            causes.extend(f.invalid(f.child(path, "name"), subject.name, p) for p in problems)
        if subject.api_group:
            causes.append(f.not_supported(f.child(path, "apiGroup"), subject.api_group, ("",)))
        if not namespaced and not subject.namespace:
            causes.append(f.required(f.child(path, "namespace")))
    elif subject.kind in ("User", "Group"):
        if subject.api_group != RBAC_GROUP:
            at = f.child(path, "apiGroup")
            causes.append(f.not_supported(at, subject.api_group, (RBAC_GROUP,)))
    else:
        causes.append(f.not_supported(f.child(path, "kind"), subject.kind, SUBJECT_KINDS))
    return causes


def _binding(
    obj: RoleBinding | ClusterRoleBinding,
    old: RoleBinding | ClusterRoleBinding | None,
    kinds: tuple[str, ...],
) -> Causes:
    namespaced = isinstance(obj, RoleBinding)
    causes = _role_ref(obj.role_ref, kinds)
    for i, subject in enumerate(obj.subjects):
        causes.extend(_subject(f.index("subjects", i), subject, namespaced=namespaced))
    if old is not None and old.role_ref != obj.role_ref:
        shown = to_dict(obj).get("roleRef", {})
        causes.append(f.invalid("roleRef", shown, "cannot change roleRef"))
    return causes


def validate_role_binding(obj: RoleBinding, old: RoleBinding | None) -> Causes:
    return _binding(obj, old, ("Role", "ClusterRole"))


def validate_cluster_role_binding(
    obj: ClusterRoleBinding, old: ClusterRoleBinding | None
) -> Causes:
    return _binding(obj, old, ("ClusterRole",))
