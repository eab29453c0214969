"""RBAC over HTTP with the real kubectl: users from a token file, 401 and 403 as Kubernetes."""

from __future__ import annotations

import contextlib
import json
import os
import shutil
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import anyio
import pytest

from kube_actors import Cluster
from kube_actors.api import (
    RBAC_GROUP,
    Container,
    ObjectMeta,
    Pod,
    PodSpec,
    PolicyRule,
    Role,
    RoleBinding,
    RoleRef,
    Subject,
)
from kube_actors.server import Served

KUBECTL = shutil.which("kubectl")

pytestmark = [
    pytest.mark.real_time,
    pytest.mark.skipif(
        KUBECTL is None and not os.environ.get("CI"), reason="no kubectl binary on this machine"
    ),
]


async def kubectl(served: Served, token: str, *args: str) -> tuple[int, str, str]:
    assert KUBECTL is not None, "CI is set and no kubectl binary is installed"
    cache = served.kubeconfig_path.parent / "kubectl-cache"
    command = [KUBECTL, "--kubeconfig", str(served.kubeconfig_path), f"--cache-dir={cache}"]
    if token:
        command.append(f"--token={token}")
    with anyio.fail_after(30):
        result = await anyio.run_process([*command, *args], check=False)
    return result.returncode, result.stdout.decode(), result.stderr.decode()


@contextlib.asynccontextmanager
async def serving(
    tmp_path: Path, tokens: str, controllers: tuple[str, ...] = ()
) -> AsyncIterator[tuple[Cluster, Served]]:
    """A served cluster whose users are the token file ``tokens``."""
    token_file = tmp_path / "tokens.csv"
    token_file.write_text(tokens)
    async with (
        Cluster(clock="real", scheduler=False, controllers=controllers) as cluster,
        cluster.serve(data_dir=str(tmp_path), token_auth_file=str(token_file)) as served,
    ):
        yield cluster, served


async def wait_until_allowed(served: Served, token: str, *can_i: str) -> None:
    """The server's caches see a new binding (or aggregated rules) shortly after they are
    written: ask ``kubectl auth can-i`` until it says yes."""
    with anyio.fail_after(10):
        while True:
            _, out, _ = await kubectl(served, token, "auth", "can-i", *can_i)
            if out.strip() == "yes":
                return
            await anyio.sleep(0.05)


async def test_a_reader_may_get_pods_and_is_refused_a_delete(tmp_path: Path) -> None:
    async with serving(tmp_path, 'jane-token,jane,u-1,"dev"\n') as (cluster, served):
        client = cluster.client
        await client.create(
            Pod(
                metadata=ObjectMeta(name="web", namespace="default"),
                spec=PodSpec(containers=(Container(name="c", image="nginx"),)),
            )
        )
        await client.create(
            Role(
                metadata=ObjectMeta(name="reader", namespace="default"),
                rules=(PolicyRule(verbs=("get", "list"), api_groups=("",), resources=("pods",)),),
            )
        )
        await client.create(
            RoleBinding(
                metadata=ObjectMeta(name="jane-reads", namespace="default"),
                role_ref=RoleRef(api_group=RBAC_GROUP, kind="Role", name="reader"),
                subjects=(Subject(kind="User", api_group=RBAC_GROUP, name="jane"),),
            )
        )
        await wait_until_allowed(served, "jane-token", "get", "pods")
        code, out, _ = await kubectl(served, "jane-token", "auth", "can-i", "delete", "pods")
        assert (code, out.strip()) == (1, "no")
        code, out, _ = await kubectl(served, "jane-token", "get", "pods", "-o", "name")
        assert (code, out.strip()) == (0, "pod/web")
        code, _, err = await kubectl(served, "jane-token", "delete", "pod", "web")
        assert code == 1
        assert (
            'Error from server (Forbidden): pods "web" is forbidden: User "jane" cannot delete '
            'resource "pods" in API group "" in the namespace "default"'
        ) in err
        code, out, _ = await kubectl(served, "", "auth", "can-i", "delete", "nodes")
        assert (code, out.strip()) == (0, "yes")  # the admin is in system:masters
        code, _, err = await kubectl(served, "not-a-token", "get", "pods")
        assert code == 1
        assert "Unauthorized" in err


async def test_a_user_bound_to_view_reads_and_is_refused_a_delete(tmp_path: Path) -> None:
    async with serving(
        tmp_path, "viewer-token,vic,u-2\n", controllers=("clusterrole-aggregation",)
    ) as (cluster, served):
        await cluster.client.create(
            RoleBinding(
                metadata=ObjectMeta(name="vic-views", namespace="default"),
                role_ref=RoleRef(api_group=RBAC_GROUP, kind="ClusterRole", name="view"),
                subjects=(Subject(kind="User", api_group=RBAC_GROUP, name="vic"),),
            )
        )
        await wait_until_allowed(served, "viewer-token", "list", "deployments.apps")
        code, out, _ = await kubectl(
            served, "viewer-token", "auth", "whoami", "-o", "jsonpath={.status.userInfo.username}"
        )
        assert (code, out) == (0, "vic")
        code, _, err = await kubectl(served, "viewer-token", "delete", "deployment", "nope")
        assert code == 1
        assert (
            'Error from server (Forbidden): deployments.apps "nope" is forbidden: User "vic" '
            'cannot delete resource "deployments" in API group "apps" in the namespace "default"'
        ) in err


async def test_a_patch_granting_what_the_user_does_not_hold_is_refused(tmp_path: Path) -> None:
    async with serving(tmp_path, "jane-token,jane,u-1\n") as (cluster, served):
        pods = PolicyRule(verbs=("get",), api_groups=("",), resources=("pods",))
        roles = PolicyRule(verbs=("get", "patch"), api_groups=(RBAC_GROUP,), resources=("roles",))
        await cluster.client.create(
            Role(metadata=ObjectMeta(name="writer", namespace="default"), rules=(pods, roles))
        )
        await cluster.client.create(
            Role(metadata=ObjectMeta(name="modest", namespace="default"), rules=(pods,))
        )
        await cluster.client.create(
            RoleBinding(
                metadata=ObjectMeta(name="jane-writes", namespace="default"),
                role_ref=RoleRef(api_group=RBAC_GROUP, kind="Role", name="writer"),
                subjects=(Subject(kind="User", api_group=RBAC_GROUP, name="jane"),),
            )
        )
        await wait_until_allowed(served, "jane-token", "patch", "roles")
        add_delete = '[{"op":"add","path":"/rules/0/verbs/-","value":"delete"}]'
        code, _, err = await kubectl(
            served, "jane-token", "patch", "role", "modest", "--type=json", "-p", add_delete
        )
        assert code == 1
        assert 'roles.rbac.authorization.k8s.io "modest" is forbidden: user "jane"' in err
        # As Kubernetes, the uncovered rule is shown with all its verbs.
        assert '{APIGroups:[""], Resources:["pods"], Verbs:["get" "delete"]}' in err
        add_get = '[{"op":"add","path":"/rules/0/verbs/-","value":"get"}]'
        code, _, err = await kubectl(
            served, "jane-token", "patch", "role", "modest", "--type=json", "-p", add_get
        )
        assert code == 0, err


def _delete_as(served: Served, token: str) -> int:
    """The official client, with ``token`` instead of the admin's: the status it raises."""
    import kubernetes  # the official client, unchanged

    k8s: Any = kubernetes
    configuration = k8s.client.Configuration()
    configuration.host = served.url
    configuration.ssl_ca_cert = str(served.ca_cert)
    configuration.api_key = {"authorization": f"Bearer {token}"}
    with k8s.client.ApiClient(configuration) as api_client:
        try:
            k8s.client.CoreV1Api(api_client).delete_namespaced_pod("web", "default")
        except k8s.client.ApiException as error:
            return int(error.status)
    return 200


async def test_the_official_client_gets_403_for_a_refused_delete(tmp_path: Path) -> None:
    async with serving(tmp_path, "nobody-token,nobody,u-3\n") as (_, served):
        status = await anyio.to_thread.run_sync(_delete_as, served, "nobody-token")
        assert status == 403


ROBOT = (
    "system:serviceaccount:default:robot",
    ["system:serviceaccounts", "system:serviceaccounts:default", "system:authenticated"],
)


async def test_kubectl_as_acts_as_another_user_only_for_those_allowed_to(tmp_path: Path) -> None:
    async with serving(tmp_path, "viewer-token,vic,u-2\n") as (_, served):
        robot = "--as=system:serviceaccount:default:robot"
        # The admin (system:masters) may impersonate anyone: can-i answers for the account.
        code, out, _ = await kubectl(served, "", "auth", "can-i", "list", "pods", robot)
        assert (code, out.strip()) == (1, "no")
        code, out, _ = await kubectl(served, "", "auth", "whoami", robot, "-o", "json")
        assert code == 0
        user = json.loads(out)["status"]["userInfo"]
        # An account's own groups, as its token would have them.
        assert (user["username"], user["groups"]) == ROBOT
        code, out, _ = await kubectl(
            served, "", "auth", "can-i", "delete", "nodes", "--as=jane", "--as-group=system:masters"
        )
        assert (code, out.strip()) == (0, "yes")
        # vic may not impersonate: refused with Kubernetes' message, whatever the request.
        code, _, err = await kubectl(served, "viewer-token", "get", "pods", "--as=jane")
        assert code == 1
        assert (
            'Error from server (Forbidden): users "jane" is forbidden: User "vic" cannot '
            'impersonate resource "users" in API group "" at the cluster scope'
        ) in err
