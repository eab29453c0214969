"""RBAC's rule semantics, pure: does a rule allow a request, does a subject name a user, do one
set of rules cover another (``pkg/apis/rbac/v1/evaluation_helpers.go`` and
``pkg/registry/rbac/validation/policy_comparator.go`` in Kubernetes).

A resource rule allows a request when its verbs, API groups and resources all match (``*``
matching anything; a resource ``pods/log`` is the subresource ``log`` of pods; ``*/scale``
the ``scale`` of any resource) and, if it names objects, the request's name is one of them.
A non-resource rule allows a path equal to one of its URLs, or starting with one that ends
in ``*``.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from typing import Final

from ..api import PolicyRule, Subject
from ._authn import UserInfo
from ._request_info import RequestAttributes

__all__ = [
    "compact_rules",
    "compact_string",
    "rule_allows",
    "subject_applies",
    "uncovered_rules",
]

ALL: Final = "*"


def _verb_matches(rule: PolicyRule, verb: str) -> bool:
    return ALL in rule.verbs or verb in rule.verbs


def _group_matches(rule: PolicyRule, group: str) -> bool:
    return ALL in rule.api_groups or group in rule.api_groups


def _resource_matches(rule: PolicyRule, resource: str, subresource: str) -> bool:
    combined = f"{resource}/{subresource}" if subresource else resource
    for allowed in rule.resources:
        if allowed in (ALL, combined):
            return True
        if subresource and allowed == f"*/{subresource}":
            return True
    return False


def _name_matches(rule: PolicyRule, name: str) -> bool:
    return not rule.resource_names or name in rule.resource_names


def _url_matches(allowed: str, path: str) -> bool:
    if allowed in (ALL, path):
        return True
    return allowed.endswith(ALL) and path.startswith(allowed[:-1])


def rule_allows(rule: PolicyRule, request: RequestAttributes) -> bool:
    """Whether ``rule`` allows ``request``."""
    if not _verb_matches(rule, request.verb):
        return False
    if not request.resource_request:
        return any(_url_matches(url, request.path) for url in rule.non_resource_urls)
    return (
        _group_matches(rule, request.api_group)
        and _resource_matches(rule, request.resource, request.subresource)
        and _name_matches(rule, request.name)
    )


def service_account_username(namespace: str, name: str) -> str:
    return f"system:serviceaccount:{namespace}:{name}"


def subject_applies(subject: Subject, user: UserInfo, namespace: str) -> bool:
    """Whether a binding's ``subject`` names ``user``; ``namespace`` is the binding's ("" for
    a ClusterRoleBinding), where a service account without a namespace of its own lives."""
    if subject.kind == "User":
        return user.name == subject.name
    if subject.kind == "Group":
        return subject.name in user.groups
    if subject.kind == "ServiceAccount":
        sa_namespace = subject.namespace or namespace
        if not sa_namespace:
            return False
        return user.name == service_account_username(sa_namespace, subject.name)
    return False


# --------------------------------------------------------------------- coverage


def _breakdown(rule: PolicyRule) -> list[PolicyRule]:
    """One rule per group and resource (and name), and per non-resource URL; verbs stay."""
    parts: list[PolicyRule] = []
    for group in rule.api_groups:
        for resource in rule.resources:
            if rule.resource_names:
                parts.extend(
                    PolicyRule(
                        api_groups=(group,),
                        resources=(resource,),
                        verbs=rule.verbs,
                        resource_names=(name,),
                    )
                    for name in rule.resource_names
                )
            else:
                parts.append(
                    PolicyRule(api_groups=(group,), resources=(resource,), verbs=rule.verbs)
                )
    parts.extend(
        PolicyRule(non_resource_urls=(url,), verbs=rule.verbs) for url in rule.non_resource_urls
    )
    return parts


def _has_all(owned: Sequence[str], wanted: Iterable[str]) -> bool:
    return all(w in owned for w in wanted)


def _resources_cover(owned: Sequence[str], wanted: Sequence[str]) -> bool:
    if ALL in owned or _has_all(owned, wanted):
        return True
    for resource in wanted:
        if resource in owned:
            continue
        if "/" not in resource:
            return False
        if f"*/{resource.split('/', 1)[1]}" not in owned:
            return False
    return True


def _urls_cover(owned: Sequence[str], wanted: Sequence[str]) -> bool:
    return all(any(_url_matches(o, w) for o in owned) for w in wanted)


def _rule_covers(owner: PolicyRule, part: PolicyRule) -> bool:
    if part.resource_names:
        names_match = not owner.resource_names or _has_all(
            owner.resource_names, part.resource_names
        )
    else:
        names_match = not owner.resource_names
    return (
        (ALL in owner.verbs or _has_all(owner.verbs, part.verbs))
        and (ALL in owner.api_groups or _has_all(owner.api_groups, part.api_groups))
        and _resources_cover(owner.resources, part.resources)
        and _urls_cover(owner.non_resource_urls, part.non_resource_urls)
        and names_match
    )


def uncovered_rules(owner: Sequence[PolicyRule], wanted: Iterable[PolicyRule]) -> list[PolicyRule]:
    """The parts of ``wanted`` that no rule of ``owner`` covers (empty: ``owner`` holds all
    of ``wanted``)."""
    return [
        part
        for rule in wanted
        for part in _breakdown(rule)
        if not any(_rule_covers(o, part) for o in owner)
    ]


def compact_rules(rules: Iterable[PolicyRule]) -> list[PolicyRule]:
    """Rules on one group and resource, naming no object, merged into one with all verbs."""
    merged: dict[tuple[str, str], list[str]] = {}
    others: list[PolicyRule] = []
    for rule in rules:
        simple = (
            len(rule.api_groups) == 1
            and len(rule.resources) == 1
            and not rule.resource_names
            and not rule.non_resource_urls
        )
        if not simple:
            others.append(rule)
            continue
        verbs = merged.setdefault((rule.api_groups[0], rule.resources[0]), [])
        verbs.extend(v for v in rule.verbs if v not in verbs)
    compacted = [
        PolicyRule(api_groups=(group,), resources=(resource,), verbs=tuple(verbs))
        for (group, resource), verbs in merged.items()
    ]
    return compacted + others


def _quoted(values: Sequence[str]) -> str:
    # Go's %q of a []string: ["a" "b"].
    return "[" + " ".join(json.dumps(v) for v in values) + "]"


def compact_string(rule: PolicyRule) -> str:
    """A rule as Kubernetes prints it in errors: ``{APIGroups:[""], Resources:["pods"],
    Verbs:["get"]}``, empty fields left out."""
    fields = (
        ("APIGroups", rule.api_groups),
        ("Resources", rule.resources),
        ("NonResourceURLs", rule.non_resource_urls),
        ("ResourceNames", rule.resource_names),
        ("Verbs", rule.verbs),
    )
    return "{" + ", ".join(f"{name}:{_quoted(v)}" for name, v in fields if v) + "}"
