"""Bootstrap tokens, the Node authorizer and NodeRestriction, in-process."""

from __future__ import annotations

import datetime as dt

import attrs
import pytest

from kube_actors import Cluster
from kube_actors.api import (
    Container,
    EnvFromSource,
    ObjectMeta,
    Pod,
    PodSpec,
    SecretEnvSource,
)
from kube_actors.client import Indexer
from kube_actors.errors import Forbidden
from kube_actors.server._authn import UserInfo
from kube_actors.server._bootstrap_tokens import (
    BootstrapTokens,
    bootstrap_token_secret,
    new_bootstrap_token,
)
from kube_actors.server._node_authorizer import NODE_NAME_INDEX, NodeAuthorizer
from kube_actors.server._node_restriction import NodeRestriction
from kube_actors.server._request_info import RequestAttributes

NODE_A = UserInfo(name="system:node:node-a", groups=("system:nodes",))


async def test_a_bootstrap_token_authenticates_as_its_id_until_its_secret_goes() -> None:
    async with Cluster(nodes=0, clock="virtual") as cluster:
        token = new_bootstrap_token()
        token_id = token.split(".")[0]
        tokens = BootstrapTokens(cluster.client)
        assert await tokens.authenticate(token) is None  # no Secret yet
        await cluster.client.create(bootstrap_token_secret(token))
        user = await tokens.authenticate(token)
        assert user is not None
        assert user.name == f"system:bootstrap:{token_id}"
        assert user.groups == (
            "system:bootstrappers",
            "system:bootstrappers:kubeadm:default-node-token",
        )
        wrong = token[:-1] + ("a" if token[-1] != "a" else "b")
        assert await tokens.authenticate(wrong) is None
        assert await tokens.authenticate("not-a-bootstrap-token") is None


async def test_an_expired_or_unreadable_expiration_bootstrap_token_is_refused() -> None:
    async with Cluster(nodes=0, clock="virtual") as cluster:
        expired, unreadable = new_bootstrap_token(), new_bootstrap_token()
        await cluster.client.create(bootstrap_token_secret(expired, ttl=dt.timedelta(seconds=-1)))
        secret = bootstrap_token_secret(unreadable)
        await cluster.client.create(
            attrs.evolve(secret, string_data={**secret.string_data, "expiration": "garbage"})
        )
        tokens = BootstrapTokens(cluster.client)
        assert await tokens.authenticate(expired) is None
        assert await tokens.authenticate(unreadable) is None


def test_a_bad_token_is_refused_when_making_its_secret() -> None:
    with pytest.raises(ValueError, match=r"does not match \[a-z0-9\]\{6\}"):
        bootstrap_token_secret("ABC.def")


def _request(
    verb: str,
    resource: str,
    name: str = "",
    *,
    namespace: str = "",
    subresource: str = "",
    api_group: str = "",
) -> RequestAttributes:
    return RequestAttributes(
        verb=verb,
        resource=resource,
        name=name,
        namespace=namespace,
        subresource=subresource,
        api_group=api_group,
    )


def _pods(*pods: Pod) -> Indexer[Pod]:
    index: Indexer[Pod] = Indexer({NODE_NAME_INDEX: lambda p: [p.spec.node_name]})
    for pod in pods:
        index.put(f"{pod.metadata.namespace}/{pod.metadata.name}", pod)
    return index


def _pod(name: str, node: str, secret: str) -> Pod:
    container = Container(
        name="c",
        image="busybox",
        env_from=(EnvFromSource(secret_ref=SecretEnvSource(name=secret)),),
    )
    return Pod(
        metadata=ObjectMeta(name=name, namespace="default"),
        spec=PodSpec(node_name=node, containers=(container,)),
    )


def test_a_node_reads_only_the_secrets_of_pods_bound_to_it() -> None:
    authorizer = NodeAuthorizer(
        _pods(_pod("mine", "node-a", "ours"), _pod("x", "node-b", "theirs"))
    )
    allowed = authorizer.authorize(NODE_A, _request("get", "secrets", "ours", namespace="default"))
    assert allowed is not None
    assert allowed.allowed
    refused = authorizer.authorize(
        NODE_A, _request("get", "secrets", "theirs", namespace="default")
    )
    assert refused is not None
    assert not refused.allowed
    assert "no relationship found between node 'node-a'" in refused.reason
    listing = authorizer.authorize(NODE_A, _request("list", "secrets", namespace="default"))
    assert listing is not None
    assert not listing.allowed
    # The kubelet's and kube-proxy's own work is allowed; a user who is no node gets no opinion.
    for verb, resource in (("watch", "pods"), ("update", "nodes"), ("list", "services")):
        decision = authorizer.authorize(NODE_A, _request(verb, resource))
        assert decision is not None, (verb, resource)
        assert decision.allowed, (verb, resource)
    assert authorizer.authorize(UserInfo(name="jane"), _request("get", "secrets", "ours")) is None


async def test_node_restriction_refuses_another_nodes_node_pods_and_lease() -> None:
    async with Cluster(nodes=0, clock="virtual") as cluster:
        await cluster.client.create(_pod("theirs", "node-b", "s"))
        restriction = NodeRestriction(cluster.client)
        await restriction.admit(NODE_A, _request("update", "nodes", "node-a"), b"")
        with pytest.raises(Forbidden) as refused:
            await restriction.admit(NODE_A, _request("patch", "nodes", "node-b"), b"")
        assert str(refused.value) == (
            'nodes "node-b" is forbidden: node "node-a" is not allowed to modify node "node-b"'
        )
        with pytest.raises(Forbidden, match="can only update pod status for pods with spec"):
            await restriction.admit(
                NODE_A,
                _request("update", "pods", "theirs", namespace="default", subresource="status"),
                b"",
            )
        with pytest.raises(Forbidden, match="can only access node lease with the same name"):
            await restriction.admit(
                NODE_A,
                _request(
                    "update",
                    "leases",
                    "node-b",
                    namespace="kube-node-lease",
                    api_group="coordination.k8s.io",
                ),
                b"",
            )
        with pytest.raises(Forbidden, match="can only create mirror pods"):
            await restriction.admit(
                NODE_A, _request("create", "pods", namespace="default"), b'{"metadata":{}}'
            )
        # Not a node: nothing is checked.
        await restriction.admit(UserInfo(name="jane"), _request("patch", "nodes", "node-b"), b"")
