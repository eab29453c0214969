"""The RBAC authorizer's semantics, driven through request attributes read from URLs."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kube_actors.api import (
    RBAC_GROUP,
    ClusterRole,
    ClusterRoleBinding,
    ObjectMeta,
    PolicyRule,
    Role,
    RoleBinding,
    RoleRef,
    Subject,
    validate,
)
from kube_actors.errors import Forbidden, Invalid
from kube_actors.server._authn import StaticTokens, UserInfo, authenticate_token
from kube_actors.server._authorizer import PolicyCache, RbacAuthorizer
from kube_actors.server._escalation import check_escalation
from kube_actors.server._rbac_rules import compact_string, rule_allows, uncovered_rules
from kube_actors.server._request_info import request_attributes

JANE = UserInfo(name="jane", groups=("system:authenticated",))


def _role_binding(name: str, namespace: str, role_kind: str, role: str) -> RoleBinding:
    return RoleBinding(
        metadata=ObjectMeta(name=name, namespace=namespace),
        role_ref=RoleRef(api_group=RBAC_GROUP, kind=role_kind, name=role),
        subjects=(Subject(kind="User", api_group=RBAC_GROUP, name="jane"),),
    )


def _authorizer(*objects: object) -> RbacAuthorizer:
    return RbacAuthorizer(PolicyCache.of(objects))


def test_a_role_binding_grants_its_role_in_its_namespace_only() -> None:
    reader = Role(
        metadata=ObjectMeta(name="reader", namespace="team"),
        rules=(PolicyRule(verbs=("get", "list"), api_groups=("",), resources=("pods",)),),
    )
    authorizer = _authorizer(reader, _role_binding("b", "team", "Role", "reader"))
    get = request_attributes("GET", "/api/v1/namespaces/team/pods/web", {})
    assert authorizer.authorize(JANE, get).allowed
    elsewhere = request_attributes("GET", "/api/v1/namespaces/other/pods/web", {})
    assert not authorizer.authorize(JANE, elsewhere).allowed
    delete = request_attributes("DELETE", "/api/v1/namespaces/team/pods/web", {})
    assert not authorizer.authorize(JANE, delete).allowed


def test_request_attributes_follow_kubernetes_request_info() -> None:
    watch = request_attributes("GET", "/apis/apps/v1/namespaces/ns/deployments", {"watch": "1"})
    assert (watch.verb, watch.api_group, watch.resource, watch.namespace) == (
        "watch",
        "apps",
        "deployments",
        "ns",
    )
    scale = request_attributes("PUT", "/apis/apps/v1/namespaces/ns/deployments/web/scale", {})
    assert (scale.verb, scale.name, scale.subresource) == ("update", "web", "scale")
    namespace = request_attributes("GET", "/api/v1/namespaces/team", {})
    assert (namespace.resource, namespace.name, namespace.namespace) == (
        "namespaces",
        "team",
        "team",
    )
    collection = request_attributes("DELETE", "/api/v1/namespaces/ns/pods", {})
    assert collection.verb == "deletecollection"
    narrowed = request_attributes(
        "GET", "/api/v1/namespaces/ns/pods", {"fieldSelector": "metadata.name=web"}
    )
    assert (narrowed.verb, narrowed.name) == ("list", "web")
    version = request_attributes("GET", "/version", {})
    assert (version.resource_request, version.verb, version.path) == (False, "get", "/version")


def test_subresources_wildcards_and_resource_names() -> None:
    rule = PolicyRule(verbs=("get",), api_groups=("*",), resources=("*/scale",))
    scale = request_attributes("GET", "/apis/apps/v1/namespaces/n/deployments/d/scale", {})
    assert rule_allows(rule, scale)
    assert not rule_allows(
        rule, request_attributes("GET", "/apis/apps/v1/namespaces/n/deployments/d", {})
    )
    named = PolicyRule(verbs=("get",), api_groups=("",), resources=("pods",), resource_names=("a",))
    assert rule_allows(named, request_attributes("GET", "/api/v1/namespaces/n/pods/a", {}))
    assert not rule_allows(named, request_attributes("GET", "/api/v1/namespaces/n/pods/b", {}))
    assert not rule_allows(named, request_attributes("GET", "/api/v1/namespaces/n/pods", {}))
    logs = PolicyRule(verbs=("get",), api_groups=("",), resources=("pods/log",))
    assert rule_allows(logs, request_attributes("GET", "/api/v1/namespaces/n/pods/a/log", {}))
    assert not rule_allows(logs, request_attributes("GET", "/api/v1/namespaces/n/pods/a", {}))


def test_non_resource_urls_match_exactly_or_by_a_star_suffix() -> None:
    rule = PolicyRule(verbs=("get",), non_resource_urls=("/healthz", "/apis/*"))
    assert rule_allows(rule, request_attributes("GET", "/healthz", {}))
    assert rule_allows(rule, request_attributes("GET", "/apis/apps", {}))
    assert not rule_allows(rule, request_attributes("GET", "/healthz/etcd", {}))
    assert not rule_allows(rule, request_attributes("POST", "/healthz", {}))


def test_cluster_role_bindings_groups_service_accounts_and_masters() -> None:
    everything = ClusterRole(
        metadata=ObjectMeta(name="all"),
        rules=(PolicyRule(verbs=("*",), api_groups=("*",), resources=("*",)),),
    )
    to_group = ClusterRoleBinding(
        metadata=ObjectMeta(name="ops"),
        role_ref=RoleRef(api_group=RBAC_GROUP, kind="ClusterRole", name="all"),
        subjects=(
            Subject(kind="Group", api_group=RBAC_GROUP, name="ops"),
            Subject(kind="ServiceAccount", name="robot", namespace="ci"),
        ),
    )
    authorizer = _authorizer(everything, to_group)
    delete = request_attributes("DELETE", "/api/v1/nodes/n1", {})
    assert authorizer.authorize(UserInfo(name="x", groups=("ops",)), delete).allowed
    robot = UserInfo(name="system:serviceaccount:ci:robot")
    decision = authorizer.authorize(robot, delete)
    assert decision.allowed
    assert 'ClusterRoleBinding "ops" of ClusterRole "all"' in decision.reason
    assert not authorizer.authorize(JANE, delete).allowed
    assert (
        _authorizer().authorize(UserInfo(name="root", groups=("system:masters",)), delete).allowed
    )


def test_a_binding_to_a_missing_role_is_a_reason_not_a_grant() -> None:
    authorizer = _authorizer(_role_binding("b", "team", "Role", "nope"))
    decision = authorizer.authorize(
        JANE, request_attributes("GET", "/api/v1/namespaces/team/pods", {})
    )
    assert not decision.allowed
    assert "nope" in decision.reason


def test_uncovered_rules_and_their_compact_form() -> None:
    owner = [PolicyRule(verbs=("get", "list"), api_groups=("",), resources=("pods",))]
    wanted = [PolicyRule(verbs=("get",), api_groups=("", "apps"), resources=("pods",))]
    missing = uncovered_rules(owner, wanted)
    assert [compact_string(r) for r in missing] == [
        '{APIGroups:["apps"], Resources:["pods"], Verbs:["get"]}'
    ]


verbs = st.lists(
    st.sampled_from(["get", "list", "watch", "create", "delete"]), min_size=1, unique=True
)


@given(verbs, verbs)
def test_a_rule_covers_another_exactly_when_it_holds_all_its_verbs(
    owned: list[str], wanted: list[str]
) -> None:
    owner = [PolicyRule(verbs=tuple(owned), api_groups=("",), resources=("pods",))]
    want = [PolicyRule(verbs=tuple(wanted), api_groups=("",), resources=("pods",))]
    assert (not uncovered_rules(owner, want)) == set(wanted).issubset(owned)


def test_rbac_kinds_are_validated_with_kubernetes_messages() -> None:
    with pytest.raises(Invalid, match="verbs must contain at least one value"):
        validate(
            Role(
                metadata=ObjectMeta(name="r", namespace="n"),
                rules=(PolicyRule(api_groups=("",), resources=("pods",)),),
            )
        )
    binding = _role_binding("b", "n", "Role", "r")
    changed = RoleBinding(
        metadata=binding.metadata,
        subjects=binding.subjects,
        role_ref=RoleRef(api_group=RBAC_GROUP, kind="Role", name="other"),
    )
    with pytest.raises(Invalid, match="cannot change roleRef"):
        validate(changed, binding)
    with pytest.raises(Invalid, match=r"roleRef\.kind"):
        validate(
            ClusterRoleBinding(
                metadata=ObjectMeta(name="c"),
                role_ref=RoleRef(api_group=RBAC_GROUP, kind="Role", name="r"),
            )
        )


async def test_static_tokens_in_kubernetes_token_file_format() -> None:
    tokens = StaticTokens.from_text('t1,jane,u1,"dev,qa"\nt2,bob,u2\n')
    jane = await authenticate_token([tokens], "t1")
    assert jane is not None
    assert (jane.name, jane.uid, jane.groups) == (
        "jane",
        "u1",
        ("dev", "qa", "system:authenticated"),
    )
    assert await authenticate_token([tokens], "nope") is None
    with pytest.raises(ValueError, match="must have at least 3 columns"):
        StaticTokens.from_text("t1,jane\n")


def test_writing_a_role_with_rules_not_held_is_refused_unless_escalate() -> None:
    writer = Role(
        metadata=ObjectMeta(name="writer", namespace="team"),
        rules=(
            PolicyRule(verbs=("get",), api_groups=("",), resources=("pods",)),
            PolicyRule(
                verbs=("create",), api_groups=(RBAC_GROUP,), resources=("roles", "rolebindings")
            ),
        ),
    )
    authorizer = _authorizer(writer, _role_binding("b", "team", "Role", "writer"))
    modest = Role(
        metadata=ObjectMeta(name="modest", namespace="team"),
        rules=(PolicyRule(verbs=("get",), api_groups=("",), resources=("pods",)),),
    )
    check_escalation(modest, JANE, authorizer)
    greedy = Role(
        metadata=ObjectMeta(name="greedy", namespace="team"),
        rules=(PolicyRule(verbs=("delete",), api_groups=("",), resources=("pods",)),),
    )
    with pytest.raises(Forbidden) as refused:
        check_escalation(greedy, JANE, authorizer)
    assert refused.value.message == (
        'roles.rbac.authorization.k8s.io "greedy" is forbidden: user "jane" '
        '(groups=["system:authenticated"]) is attempting to grant RBAC permissions not '
        'currently held:\n{APIGroups:[""], Resources:["pods"], Verbs:["delete"]}'
    )
    binding = _role_binding("to-admin", "team", "ClusterRole", "admin")
    admin = ClusterRole(
        metadata=ObjectMeta(name="admin"),
        rules=(PolicyRule(verbs=("*",), api_groups=("*",), resources=("*",)),),
    )
    with pytest.raises(Forbidden, match="not currently held"):
        check_escalation(
            binding, JANE, _authorizer(writer, admin, _role_binding("b", "team", "Role", "writer"))
        )
    masters = UserInfo(name="root", groups=("system:masters",))
    check_escalation(greedy, masters, authorizer)
