"""TokenReview and LocalSubjectAccessReview, in protobuf as client-go sends them: a token's
user and the audiences it is valid for; ``system:auth-delegator`` for a component that
checks its callers through the API server; a namespace's review bound to its namespace."""

from __future__ import annotations

from typing import Any

import anyio
import pytest

from kube_actors.api import (
    RBAC_GROUP,
    ClusterRole,
    ClusterRoleBinding,
    ObjectMeta,
    RoleRef,
    ServiceAccount,
    Subject,
)
from kube_actors.api._protobuf import decode_protobuf
from kube_actors.api._protobuf_encode import encode_protobuf

from .conftest import Api, serving

pytestmark = pytest.mark.real_time

PROTOBUF = "application/vnd.kubernetes.protobuf"
TOKEN_REVIEWS = "/apis/authentication.k8s.io/v1/tokenreviews"
ACCESS_REVIEWS = "/apis/authorization.k8s.io/v1/subjectaccessreviews"
LOCAL_REVIEWS = "/apis/authorization.k8s.io/v1/namespaces/default/localsubjectaccessreviews"


async def post_protobuf(
    api: Api, path: str, manifest: dict[str, Any], token: str | None = None
) -> tuple[int, dict[str, Any]]:
    headers = {
        "Authorization": f"Bearer {token or api.served.token}",
        "Content-Type": PROTOBUF,
        "Accept": PROTOBUF,
    }
    async with api.session.post(
        api.served.url + path, data=encode_protobuf(manifest), headers=headers
    ) as response:
        return response.status, decode_protobuf(await response.read())


def token_review(token: str, *audiences: str) -> dict[str, Any]:
    spec: dict[str, Any] = {"token": token}
    if audiences:
        spec["audiences"] = list(audiences)
    return {"apiVersion": "authentication.k8s.io/v1", "kind": "TokenReview", "spec": spec}


async def account_token(api: Api, *audiences: str) -> str:
    await api.cluster.client.create(
        ServiceAccount(metadata=ObjectMeta(name="robot", namespace="default"))
    )
    body = {"apiVersion": "authentication.k8s.io/v1", "kind": "TokenRequest", "spec": {}}
    if audiences:
        body["spec"] = {"audiences": list(audiences)}
    path = "/api/v1/namespaces/default/serviceaccounts/robot/token"
    code, answer, _ = await api.call("POST", path, body)
    assert code == 201, answer
    token: str = answer["status"]["token"]
    return token


async def test_a_token_review_names_the_tokens_user_for_the_audiences_it_is_valid_for() -> None:
    async with serving(controllers=["serviceaccount"]) as api:
        token = await account_token(api, "api-proxy", "metrics")
        code, answer = await post_protobuf(api, TOKEN_REVIEWS, token_review(token, "api-proxy"))
        assert code == 201
        status = answer["status"]
        assert status["authenticated"] is True
        assert status["user"]["username"] == "system:serviceaccount:default:robot"
        assert status["user"]["groups"] == [
            "system:serviceaccounts",
            "system:serviceaccounts:default",
            "system:authenticated",
        ]
        assert status["audiences"] == ["api-proxy"]
        # Not for the API server's own audience, nor for one it does not name.
        for audiences in ((), ("elsewhere",)):
            _, answer = await post_protobuf(api, TOKEN_REVIEWS, token_review(token, *audiences))
            assert not answer.get("status", {}).get("authenticated")
        _, answer = await post_protobuf(api, TOKEN_REVIEWS, token_review("not-a-token"))
        assert not answer.get("status", {}).get("authenticated")
        # The admin token knows only the API's audience, as Kubernetes' static tokens do.
        _, answer = await post_protobuf(api, TOKEN_REVIEWS, token_review(api.served.token))
        assert answer["status"]["user"]["username"] == "kube-actors-admin"
        assert answer["status"]["audiences"] == ["https://kubernetes.default.svc.cluster.local"]
        code, answer = await post_protobuf(api, TOKEN_REVIEWS, token_review(""))
        assert code == 422
        assert answer["message"] == 'TokenReview.authentication.k8s.io "" is invalid: ' + (
            "spec.token: Required value"
        )


async def test_auth_delegator_lets_an_account_review_tokens_and_access() -> None:
    async with serving(controllers=["serviceaccount"]) as api:
        token = await account_token(api)
        code, refused = await post_protobuf(api, TOKEN_REVIEWS, token_review(token), token=token)
        assert code == 403
        assert 'cannot create resource "tokenreviews"' in refused["message"]
        role = await api.cluster.client.get(ClusterRole, "system:auth-delegator")
        assert {r for rule in role.rules for r in rule.resources} == {
            "tokenreviews",
            "subjectaccessreviews",
        }
        await api.cluster.client.create(
            ClusterRoleBinding(
                metadata=ObjectMeta(name="robot-delegates"),
                role_ref=RoleRef(api_group=RBAC_GROUP, kind="ClusterRole", name=role.metadata.name),
                subjects=(Subject(kind="ServiceAccount", name="robot", namespace="default"),),
            )
        )
        with anyio.fail_after(10):  # the authorizer's caches see the binding shortly
            while code != 201:
                code, answer = await post_protobuf(
                    api, TOKEN_REVIEWS, token_review(token), token=token
                )
                await anyio.sleep(0.02)
        assert answer["status"]["user"]["username"] == "system:serviceaccount:default:robot"
        access = {
            "apiVersion": "authorization.k8s.io/v1",
            "kind": "SubjectAccessReview",
            "spec": {
                "user": "jane",
                "groups": ["system:authenticated"],
                "extra": {"scopes": ["read"]},
                "resourceAttributes": {"verb": "get", "resource": "pods", "namespace": "x"},
            },
        }
        code, answer = await post_protobuf(api, ACCESS_REVIEWS, access, token=token)
        assert code == 201
        assert answer["spec"]["extra"] == {"scopes": ["read"]}
        assert "allowed" in answer["status"]
        assert answer["status"]["allowed"] is False


async def test_a_local_subject_access_review_asks_of_its_own_namespace() -> None:
    async with serving() as api:
        review: dict[str, Any] = {
            "apiVersion": "authorization.k8s.io/v1",
            "kind": "LocalSubjectAccessReview",
            "metadata": {"namespace": "default"},
            "spec": {"user": "admin", "groups": ["system:masters"]},
        }
        review["spec"]["resourceAttributes"] = {"verb": "delete", "resource": "pods"}
        code, answer = await post_protobuf(api, LOCAL_REVIEWS, review)
        assert code == 201
        assert answer["status"]["allowed"] is True
        assert answer["spec"]["resourceAttributes"]["namespace"] == "default"
        review["spec"]["resourceAttributes"]["namespace"] = "other"
        code, answer = await post_protobuf(api, LOCAL_REVIEWS, review)
        assert code == 400
        assert (
            answer["message"] == "spec.resourceAttributes.namespace must match namespace: default"
        )
        del review["spec"]["resourceAttributes"]
        review["spec"]["nonResourceAttributes"] = {"verb": "get", "path": "/healthz"}
        code, answer = await post_protobuf(api, LOCAL_REVIEWS, review)
        assert code == 422
        assert (
            "spec.nonResourceAttributes: Invalid value: disallowed on this kind of request"
            in (answer["message"])
        )
