"""Impersonation headers over HTTP: uid and extra values carried to the impersonated user,
each authorized on its own (a service account on its ``serviceaccounts`` object, so a Role
in its namespace may allow it), and groups without a user refused."""

from __future__ import annotations

from typing import Any

import anyio
import pytest

from kube_actors.api import (
    RBAC_GROUP,
    ObjectMeta,
    PolicyRule,
    Role,
    RoleBinding,
    RoleRef,
    ServiceAccount,
    Subject,
)

from .conftest import Api, serving

pytestmark = pytest.mark.real_time

WHOAMI = "/apis/authentication.k8s.io/v1/selfsubjectreviews"
REVIEW = {"apiVersion": "authentication.k8s.io/v1", "kind": "SelfSubjectReview"}


async def whoami(api: Api, headers: dict[str, str], token: str = "") -> tuple[int, Any]:
    bearer = {"Authorization": f"Bearer {token}"} if token else {}
    code, answer, _ = await api.call("POST", WHOAMI, REVIEW, headers={**headers, **bearer})
    return code, answer


async def test_uid_and_extra_reach_the_impersonated_user() -> None:
    async with serving() as api:
        headers = {
            "Impersonate-User": "jane",
            "Impersonate-Uid": "u-9",
            "Impersonate-Extra-Scopes": "read",
            "Impersonate-Extra-Example.com%2Fteam": "infra",
        }
        code, answer = await whoami(api, headers)
        assert code == 201
        assert answer["status"]["userInfo"] == {
            "username": "jane",
            "uid": "u-9",
            "groups": ["system:authenticated"],
            "extra": {"scopes": ["read"], "example.com/team": ["infra"]},
        }
        code, answer = await whoami(api, {"Impersonate-Group": "dev"})
        assert code == 500
        assert "without impersonating a user" in answer["message"]


async def test_a_role_may_allow_impersonating_the_accounts_of_its_namespace() -> None:
    async with serving(controllers=["serviceaccount"]) as api:
        client = api.cluster.client
        for name in ("robot", "helper"):
            await client.create(ServiceAccount(metadata=ObjectMeta(name=name, namespace="default")))
        await client.create(
            Role(
                metadata=ObjectMeta(name="be-robot", namespace="default"),
                rules=(
                    PolicyRule(
                        verbs=("impersonate",),
                        api_groups=("",),
                        resources=("serviceaccounts",),
                        resource_names=("robot",),
                    ),
                ),
            )
        )
        await client.create(
            RoleBinding(
                metadata=ObjectMeta(name="helper-is-robot", namespace="default"),
                role_ref=RoleRef(api_group=RBAC_GROUP, kind="Role", name="be-robot"),
                subjects=(Subject(kind="ServiceAccount", name="helper", namespace="default"),),
            )
        )
        path = "/api/v1/namespaces/default/serviceaccounts/helper/token"
        body = {"apiVersion": "authentication.k8s.io/v1", "kind": "TokenRequest", "spec": {}}
        _, issued, _ = await api.call("POST", path, body)
        token = issued["status"]["token"]
        robot = {"Impersonate-User": "system:serviceaccount:default:robot"}
        code = 0
        with anyio.fail_after(10):  # the authorizer's caches see the binding shortly
            while code != 201:
                code, answer = await whoami(api, robot, token)
                await anyio.sleep(0.02)
        assert answer["status"]["userInfo"]["username"] == "system:serviceaccount:default:robot"
        code, answer = await whoami(api, {"Impersonate-User": "jane"}, token)
        assert code == 403
        assert answer["message"] == (
            'users "jane" is forbidden: User "system:serviceaccount:default:helper" cannot '
            'impersonate resource "users" in API group "" at the cluster scope'
        )
