"""Service-account tokens: the TokenRequest subresource, ``kubectl create token``, and the
server authenticating the JWTs it signs as the account, until they expire or what they are
bound to goes."""

from __future__ import annotations

import json
import os
import shutil

import anyio
import pytest

from kube_actors import Cluster
from kube_actors.api import (
    RBAC_GROUP,
    BoundObjectReference,
    Container,
    ObjectMeta,
    Pod,
    PodSpec,
    PolicyRule,
    Role,
    RoleBinding,
    RoleRef,
    ServiceAccount,
    Subject,
    TokenRequest,
    TokenRequestSpec,
)
from kube_actors.errors import BadRequest, Conflict, Invalid, NotFound
from kube_actors.server import Served, ServiceAccountTokens

KUBECTL = shutil.which("kubectl")


def robot(namespace: str = "default") -> ServiceAccount:
    return ServiceAccount(metadata=ObjectMeta(name="robot", namespace=namespace))


def pod_of(account: str) -> Pod:
    return Pod(
        metadata=ObjectMeta(name="worker", namespace="default"),
        spec=PodSpec(service_account_name=account, containers=(Container(name="c", image="x"),)),
    )


def request(seconds: int | None = None, bound: BoundObjectReference | None = None) -> TokenRequest:
    spec = TokenRequestSpec(expiration_seconds=seconds, bound_object_ref=bound)
    return TokenRequest(metadata=ObjectMeta(name="robot", namespace="default"), spec=spec)


async def test_a_token_request_is_answered_with_a_token_of_an_hour_for_the_api() -> None:
    async with Cluster(nodes=0, controllers=()) as cluster:
        account = await cluster.client.create(robot())
        answered = await cluster.client.create(request())
        assert answered.spec.expiration_seconds == 3600
        assert answered.spec.audiences == ("https://kubernetes.default.svc.cluster.local",)
        claims = cluster.token_issuer.claims(answered.status.token)
        assert claims is not None
        assert (claims.namespace, claims.account, claims.account_uid) == (
            "default",
            "robot",
            account.metadata.uid,
        )
        assert claims.expires - claims.not_before == 3600
        assert answered.status.expiration_timestamp is not None
        assert int(answered.status.expiration_timestamp.timestamp()) == claims.expires


async def test_a_token_request_is_refused_as_kubernetes_refuses_it() -> None:
    async with Cluster(nodes=0, controllers=()) as cluster:
        with pytest.raises(NotFound, match='serviceaccounts "robot" not found'):
            await cluster.client.create(request())
        await cluster.client.create(robot())
        with pytest.raises(Invalid) as short:
            await cluster.client.create(request(599))
        assert str(short.value) == (
            'TokenRequest.authentication.k8s.io "robot" is invalid: spec.expirationSeconds: '
            "Invalid value: 599: may not specify a duration less than 10 minutes"
        )
        with pytest.raises(Invalid, match='Unsupported value: "Node"'):
            await cluster.client.create(request(bound=BoundObjectReference(kind="Node", name="n")))
        pod = await cluster.client.create(pod_of("default"))
        with pytest.raises(BadRequest, match="to pod running with different serviceaccount"):
            await cluster.client.create(
                request(bound=BoundObjectReference(kind="Pod", name="worker"))
            )
        with pytest.raises(Conflict, match="does not match the UID in record"):
            await cluster.client.create(
                request(bound=BoundObjectReference(kind="Pod", name="worker", uid="other"))
            )
        assert pod.metadata.uid != "other"


async def test_a_token_stops_authenticating_when_it_expires() -> None:
    async with Cluster(nodes=0, controllers=(), clock="virtual") as cluster:
        await cluster.client.create(robot())
        token = (await cluster.client.create(request(600))).status.token
        tokens = ServiceAccountTokens(cluster.token_issuer, cluster.client)
        user = await tokens.authenticate(token)
        assert user is not None
        assert user.name == "system:serviceaccount:default:robot"
        assert user.groups == ("system:serviceaccounts", "system:serviceaccounts:default")
        await anyio.sleep(599)
        assert await tokens.authenticate(token) is not None
        await anyio.sleep(1)
        assert await tokens.authenticate(token) is None
        assert await tokens.authenticate(token[:-4] + "AAAA") is None  # not its signature
        assert await tokens.authenticate("not-a-jwt") is None


async def test_a_token_of_a_deleted_or_recreated_pod_or_account_is_refused() -> None:
    async with Cluster(nodes=0, controllers=()) as cluster:
        tokens = ServiceAccountTokens(cluster.token_issuer, cluster.client)
        await cluster.client.create(robot())
        pod = await cluster.client.create(pod_of("robot"))
        bound = BoundObjectReference(kind="Pod", name="worker", uid=pod.metadata.uid)
        token = (await cluster.client.create(request(bound=bound))).status.token
        user = await tokens.authenticate(token)
        assert user is not None
        assert user.extra["authentication.kubernetes.io/pod-name"] == ("worker",)
        await cluster.client.delete(Pod, "worker", namespace="default", grace_period_seconds=0)
        await cluster.client.create(pod_of("robot"))  # the same name, another uid
        assert await tokens.authenticate(token) is None
        unbound = (await cluster.client.create(request())).status.token
        assert await tokens.authenticate(unbound) is not None
        await cluster.client.delete(ServiceAccount, "robot", namespace="default")
        assert await tokens.authenticate(unbound) is None


async def kubectl(served: Served, *args: str, token: str = "") -> tuple[int, str, str]:
    if KUBECTL is None:
        if os.environ.get("CI"):
            pytest.fail("kubectl is not installed, and CI needs it: see .ci/run")
        pytest.skip("kubectl is not installed (CI installs it; apt-get install kubectl)")
    command = [KUBECTL, "--kubeconfig", str(served.kubeconfig_path)]
    if token:
        command.append(f"--token={token}")
    with anyio.fail_after(30):
        result = await anyio.run_process([*command, *args], check=False)
    return result.returncode, result.stdout.decode(), result.stderr.decode()


async def wait_until_allowed(served: Served, token: str, *can_i: str) -> None:
    """The server's RBAC caches see a new binding shortly after it is written."""
    with anyio.fail_after(10):
        while True:
            code, _, _ = await kubectl(served, "auth", "can-i", *can_i, token=token)
            if code == 0:
                return
            await anyio.sleep(0.05)


@pytest.mark.real_time
async def test_kubectl_create_token_gives_a_token_rbac_judges_as_the_account() -> None:
    async with (
        Cluster(nodes=0, clock="real", scheduler=False, controllers=()) as cluster,
        cluster.serve() as served,
    ):
        await cluster.client.create(robot())
        code, out, err = await kubectl(served, "create", "token", "robot")
        assert code == 0, err
        token = out.strip()
        code, out, err = await kubectl(served, "auth", "whoami", "-o", "json", token=token)
        assert code == 0, err
        user = json.loads(out)["status"]["userInfo"]
        assert user["username"] == "system:serviceaccount:default:robot"
        assert user["groups"] == [
            "system:serviceaccounts",
            "system:serviceaccounts:default",
            "system:authenticated",
        ]
        code, _, err = await kubectl(served, "get", "pods", token=token)
        assert code == 1
        assert (
            'Error from server (Forbidden): pods is forbidden: User "system:serviceaccount:'
            'default:robot" cannot list resource "pods" in API group "" in the namespace '
            '"default"'
        ) in err
        code, out, _ = await kubectl(served, "auth", "can-i", "list", "pods", token=token)
        assert (code, out.strip()) == (1, "no")
        await cluster.client.create(
            Role(
                metadata=ObjectMeta(name="pod-reader", namespace="default"),
                rules=(PolicyRule(verbs=("list",), api_groups=("",), resources=("pods",)),),
            )
        )
        await cluster.client.create(
            RoleBinding(
                metadata=ObjectMeta(name="robot-reads", namespace="default"),
                role_ref=RoleRef(api_group=RBAC_GROUP, kind="Role", name="pod-reader"),
                subjects=(Subject(kind="ServiceAccount", name="robot", namespace="default"),),
            )
        )
        await wait_until_allowed(served, token, "list", "pods")
        code, out, _ = await kubectl(served, "auth", "can-i", "list", "pods", token=token)
        assert (code, out.strip()) == (0, "yes")
        code, out, _ = await kubectl(served, "auth", "can-i", "delete", "pods", token=token)
        assert (code, out.strip()) == (1, "no")  # only what its Role grants
        code, _, err = await kubectl(served, "create", "token", "robot", "--duration=5m")
        assert code == 1
        assert "may not specify a duration less than 10 minutes" in err
        await cluster.client.delete(ServiceAccount, "robot", namespace="default")
        code, _, err = await kubectl(served, "get", "pods", token=token)
        assert code == 1
        assert "Unauthorized" in err
