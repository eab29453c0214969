"""The RBAC authorizer: may this user do this? (Kubernetes' ``plugin/pkg/auth/authorizer/rbac``.)

The rules a user holds in a namespace are those of every ClusterRoleBinding that names the
user, plus those of every RoleBinding of that namespace that names it (a RoleBinding may refer
to a Role of its namespace or to a ClusterRole, whose rules then apply in that namespace
only). A request is allowed when one rule allows it; members of ``system:masters`` are
allowed everything, before RBAC is asked, as Kubernetes' privileged-group authorizer does.

The roles and bindings are read from a ``PolicyCache``: the informers' caches when the server
runs (so a new binding takes effect as soon as the server's watch has seen it), or objects
given directly (``PolicyCache.of(...)``) in tests.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any, Protocol

import attrs

from ..api import ClusterRole, ClusterRoleBinding, PolicyRule, Role, RoleBinding, RoleRef
from ..client import Indexer, object_key
from ..errors import Forbidden
from ._authn import MASTERS_GROUP, UserInfo
from ._rbac_rules import rule_allows, subject_applies
from ._request_info import RequestAttributes

__all__ = ["Authorizer", "Decision", "PolicyCache", "RbacAuthorizer", "forbidden"]


@attrs.frozen
class PolicyCache:
    """The four RBAC kinds, each in an indexer."""

    roles: Indexer[Role]
    cluster_roles: Indexer[ClusterRole]
    role_bindings: Indexer[RoleBinding]
    cluster_role_bindings: Indexer[ClusterRoleBinding]

    @classmethod
    def of(cls, objects: Iterable[Any]) -> PolicyCache:
        """A cache holding ``objects`` (roles and bindings of any of the four kinds)."""
        cache = cls(Indexer(), Indexer(), Indexer(), Indexer())
        by_kind: dict[type[Any], Indexer[Any]] = {
            Role: cache.roles,
            ClusterRole: cache.cluster_roles,
            RoleBinding: cache.role_bindings,
            ClusterRoleBinding: cache.cluster_role_bindings,
        }
        for obj in objects:
            by_kind[type(obj)].put(object_key(obj), obj)
        return cache


@attrs.frozen
class Decision:
    """An authorizer's answer: ``allowed``, and why (which binding allowed it), or what went
    wrong while reading the rules."""

    allowed: bool
    reason: str = ""


class Authorizer(Protocol):
    """What the server asks about every request, and what reviews and the escalation check
    read: RBAC alone, or the chain of ``--authorization-mode=Node,RBAC``."""

    def authorize(self, user: UserInfo, request: RequestAttributes) -> Decision: ...

    def rules_for(
        self, user: UserInfo, namespace: str = ""
    ) -> tuple[list[PolicyRule], list[str]]: ...

    def role_rules(self, ref: RoleRef, namespace: str) -> tuple[PolicyRule, ...] | None: ...


@attrs.frozen
class _Grant:
    rules: tuple[PolicyRule, ...]
    source: str


def _describe_subject(binding: RoleBinding | ClusterRoleBinding, user: UserInfo) -> str:
    namespace = binding.metadata.namespace
    for subject in binding.subjects:
        if subject_applies(subject, user, namespace):
            if subject.kind == "ServiceAccount":
                return f'ServiceAccount "{subject.name}/{subject.namespace or namespace}"'
            return f'{subject.kind} "{subject.name}"'
    return ""


class RbacAuthorizer:
    """Answers requests from the rules of the roles bound to the user."""

    def __init__(self, policy: PolicyCache) -> None:
        self.policy = policy

    def role_rules(self, ref: RoleRef, namespace: str) -> tuple[PolicyRule, ...] | None:
        if ref.kind == "ClusterRole":
            cluster_role = self.policy.cluster_roles.get(ref.name)
            return cluster_role.rules if cluster_role is not None else None
        if ref.kind == "Role" and namespace:
            role = self.policy.roles.get(ref.name, namespace)
            return role.rules if role is not None else None
        return None

    def _grants(self, user: UserInfo, namespace: str, errors: list[str]) -> Iterator[_Grant]:
        bindings: list[RoleBinding | ClusterRoleBinding] = list(self.policy.cluster_role_bindings)
        if namespace:
            bindings.extend(self.policy.role_bindings.list(namespace))
        for binding in bindings:
            scope = binding.metadata.namespace
            if not any(subject_applies(s, user, scope) for s in binding.subjects):
                continue
            ref = binding.role_ref
            rules = self.role_rules(ref, scope)
            if rules is None:
                where = f' in namespace "{scope}"' if scope and ref.kind == "Role" else ""
                errors.append(
                    f'{ref.kind.lower()}s.rbac.authorization.k8s.io "{ref.name}" not found{where}'
                )
                continue
            name = f"{binding.metadata.name}/{scope}" if scope else binding.metadata.name
            source = (
                f'{binding.kind} "{name}" of {ref.kind} "{ref.name}" to '
                f"{_describe_subject(binding, user)}"
            )
            yield _Grant(rules=rules, source=source)

    def rules_for(self, user: UserInfo, namespace: str = "") -> tuple[list[PolicyRule], list[str]]:
        """Every rule ``user`` holds in ``namespace`` (cluster-wide if ""), and the errors
        met reading them (a binding to a role that does not exist)."""
        errors: list[str] = []
        rules = [rule for grant in self._grants(user, namespace, errors) for rule in grant.rules]
        return rules, errors

    def authorize(self, user: UserInfo, request: RequestAttributes) -> Decision:
        """Whether ``user`` may make ``request``."""
        if MASTERS_GROUP in user.groups:
            return Decision(True)
        errors: list[str] = []
        for grant in self._grants(user, request.namespace, errors):
            if any(rule_allows(rule, request) for rule in grant.rules):
                return Decision(True, f"RBAC: allowed by {grant.source}")
        reason = f"RBAC: [{', '.join(errors)}]" if errors else ""
        return Decision(False, reason)


def forbidden(user: UserInfo, request: RequestAttributes, reason: str = "") -> Forbidden:
    """Kubernetes' 403 for ``user`` refused ``request``."""
    verb, name = request.verb, user.name
    if not request.resource_request:
        detail = f'User "{name}" cannot {verb} path "{request.path}"'
        resource = ""
    else:
        resource = request.resource
        shown = f"{resource}/{request.subresource}" if request.subresource else resource
        where = (
            f'in the namespace "{request.namespace}"'
            if request.namespace
            else "at the cluster scope"
        )
        detail = (
            f'User "{name}" cannot {verb} resource "{shown}" in API group '
            f'"{request.api_group}" {where}'
        )
    if reason:
        detail = f"{detail}: {reason}"
    return Forbidden.for_object(resource, request.name, detail, group=request.api_group)
