"""The authorizers in the order kube-apiserver's ``--authorization-mode=Node,RBAC`` asks them.

The first that allows a request decides; one that refuses only says it has no opinion (the
Node authorizer never denies, it just does not allow), so the next is asked, and a request
none allows is refused with their reasons joined, one a line (Kubernetes' union authorizer):
``User "system:node:a" cannot get resource "secrets" ...: no relationship found between node
'a' and this object``. The rules a user holds (``SelfSubjectRulesReview``) are every
authorizer's: a node's own rules and what RBAC binds to it.
"""

from __future__ import annotations

from ..api import PolicyRule, RoleRef
from ._authn import UserInfo
from ._authorizer import Decision, RbacAuthorizer
from ._node_authorizer import NODE_RULES, NodeAuthorizer, node_name_of
from ._request_info import RequestAttributes

__all__ = ["NodeAndRbac"]


class NodeAndRbac:
    """``--authorization-mode=Node,RBAC``."""

    def __init__(self, node: NodeAuthorizer, rbac: RbacAuthorizer) -> None:
        self.node = node
        self.rbac = rbac

    def authorize(self, user: UserInfo, request: RequestAttributes) -> Decision:
        reasons: list[str] = []
        for authorizer in (self.node, self.rbac):
            decision = authorizer.authorize(user, request)
            if decision is None:
                continue
            if decision.allowed:
                return decision
            if decision.reason:
                reasons.append(decision.reason)
        return Decision(False, "\n".join(reasons))

    def rules_for(self, user: UserInfo, namespace: str = "") -> tuple[list[PolicyRule], list[str]]:
        rules, errors = self.rbac.rules_for(user, namespace)
        if node_name_of(user) is not None:
            rules = [*NODE_RULES, *rules]
        return rules, errors

    def role_rules(self, ref: RoleRef, namespace: str) -> tuple[PolicyRule, ...] | None:
        return self.rbac.role_rules(ref, namespace)
