"""Privilege escalation prevention, as Kubernetes' RBAC storage does it.

A user may write a Role or ClusterRole only with rules it holds itself (in that namespace, or
cluster-wide), unless it may ``escalate`` roles; it may write a binding only to a role whose
rules it holds, unless it may ``bind`` that role. A refusal is a 403: ``user "jane"
(groups=["dev" "system:authenticated"]) is attempting to grant RBAC permissions not currently
held:`` and the missing rules, one a line.
"""

from __future__ import annotations

import json
from typing import Any

from ..api import RBAC_GROUP, ClusterRole, ClusterRoleBinding, PolicyRule, Role, RoleBinding
from ..errors import Forbidden
from ._authn import UserInfo
from ._authorizer import Authorizer
from ._rbac_rules import compact_rules, compact_string, uncovered_rules
from ._request_info import RequestAttributes

__all__ = ["ESCALATION_KINDS", "check_escalation"]

_PLURALS = {Role: "roles", ClusterRole: "clusterroles", RoleBinding: "rolebindings",
            ClusterRoleBinding: "clusterrolebindings"}  # fmt: skip


#: The kinds whose writes are checked.
ESCALATION_KINDS = frozenset(_PLURALS)


def _may(authorizer: Authorizer, user: UserInfo, verb: str, kind: str, name: str,
         namespace: str) -> bool:  # fmt: skip
    resource = "roles" if kind == "Role" else "clusterroles"
    request = RequestAttributes(
        verb=verb, api_group=RBAC_GROUP, resource=resource, name=name, namespace=namespace
    )
    return authorizer.authorize(user, request).allowed


def _refusal(obj: Any, user: UserInfo, missing: list[PolicyRule]) -> Forbidden:
    groups = "[" + " ".join(json.dumps(g) for g in user.groups) + "]"
    lines = sorted({compact_string(r) for r in compact_rules(missing)})
    detail = (
        f'user "{user.name}" (groups={groups}) is attempting to grant RBAC permissions not '
        "currently held:\n" + "\n".join(lines)
    )
    return Forbidden.for_object(_PLURALS[type(obj)], obj.metadata.name, detail, group=RBAC_GROUP)


def check_escalation(obj: Any, user: UserInfo, authorizer: Authorizer) -> None:
    """Raise ``Forbidden`` when writing ``obj`` (any kind) would grant ``user`` more than
    it holds."""
    if type(obj) not in _PLURALS:
        return
    namespace = obj.metadata.namespace
    if isinstance(obj, Role | ClusterRole):
        if _may(authorizer, user, "escalate", obj.kind, obj.metadata.name, namespace):
            return
        wanted = obj.rules
    else:
        ref = obj.role_ref
        if _may(authorizer, user, "bind", ref.kind, ref.name, namespace):
            return
        rules = authorizer.role_rules(ref, namespace)
        if rules is None:
            raise Forbidden.for_object(
                _PLURALS[type(obj)], obj.metadata.name,
                f'{ref.kind.lower()}s.rbac.authorization.k8s.io "{ref.name}" not found',
                group=RBAC_GROUP,
            )  # fmt: skip
        wanted = rules
    held, _ = authorizer.rules_for(user, namespace)
    missing = uncovered_rules(held, wanted)
    if missing:
        raise _refusal(obj, user, missing)
