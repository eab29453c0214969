"""Kubernetes' key layout: objects stored where kube-apiserver stores them, on every store;
an SQLite file of the first layout (``/registry/<group>/<resource>/...``) is moved to it when
opened, every object and resourceVersion kept."""

from __future__ import annotations

import copy
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import anyio
import pytest

from kube_actors.api import ConfigMap, ObjectMeta, Pod, from_dict, kinds
from kube_actors.apiserver._keys import object_key, resource_of
from kube_actors.cluster import Cluster
from kube_actors.etcd._layout import resource_prefix, upgrade_key
from kube_actors.testing import EtcdServers, deployment, etcd_servers
from tests.api.test_crd_validation import GOOD
from tests.crd_kinds import stop_serving

from .conftest import need_etcdctl
from .test_remote import _need_etcd


@pytest.fixture
def etcd() -> Iterator[EtcdServers]:
    _need_etcd()
    with etcd_servers(1) as servers:
        yield servers


@pytest.fixture
def _stop_serving_crontabs() -> Iterator[None]:
    yield
    stop_serving("stable.example.com/v1", "CronTab")


def _stored_kinds() -> list[object]:
    return [k for k in kinds() if k.stored_as is None and k.group != "metrics.k8s.io"]


def _first_layout(key: str) -> str:
    """The key as kube-actors' first layout wrote it: ``/registry/<group or core>/<plural>/``."""
    group, plural = resource_of(key)
    prefix = f"/registry/{resource_prefix('' if group == 'core' else group, plural)}/"
    return f"/registry/{group}/{plural}/{key.removeprefix(prefix)}"


def test_every_stored_kind_has_one_prefix_that_names_it_back() -> None:
    seen: dict[str, object] = {}
    for info in _stored_kinds():
        key = object_key(info, "default", "x")  # type: ignore[arg-type]
        assert resource_of(key) == (info.group or "core", info.plural)  # type: ignore[attr-defined]
        prefix = key.rsplit("/", 2 if info.namespaced else 1)[0]  # type: ignore[attr-defined]
        assert seen.setdefault(prefix, info) is info, f"{prefix} is used twice"
        assert upgrade_key(key) == key  # the new layout is left as it is
        assert upgrade_key(_first_layout(key)) == key


@pytest.mark.parametrize(
    ("group", "plural", "namespaced", "key"),
    [
        ("", "nodes", False, "/registry/minions/x"),
        ("", "services", True, "/registry/services/specs/default/x"),
        ("", "endpoints", True, "/registry/services/endpoints/default/x"),
        ("", "pods", True, "/registry/pods/default/x"),
        ("apps", "deployments", True, "/registry/deployments/default/x"),
        ("networking.k8s.io", "ingresses", True, "/registry/ingress/default/x"),
        ("rbac.authorization.k8s.io", "clusterroles", False, "/registry/clusterroles/x"),
        (
            "apiextensions.k8s.io",
            "customresourcedefinitions",
            False,
            "/registry/apiextensions.k8s.io/customresourcedefinitions/x",
        ),
    ],
)
def test_keys_are_where_kube_apiserver_puts_them(
    group: str, plural: str, namespaced: bool, key: str
) -> None:
    info = next(k for k in kinds() if (k.group, k.plural) == (group, plural))
    assert object_key(info, "default" if namespaced else "", "x") == key
    assert resource_of(key) == (group or "core", plural)


def test_keys_of_other_groups_name_their_group_and_resource() -> None:
    assert resource_of("/registry/stable.example.com/crontabs/default/x") == (
        "stable.example.com",
        "crontabs",
    )
    assert resource_of("/registry/example/widgets/default/x") == ("example", "widgets")


def test_keys_outside_the_first_layout_are_not_upgraded() -> None:
    for key in ("/other/core/pods/a/b", "/registry/example.com/widgets/a/b", "/registry/pods"):
        assert upgrade_key(key) == key


@pytest.mark.usefixtures("_stop_serving_crontabs")
async def test_etcdctl_lists_the_keys_a_kubernetes_cluster_has(etcd: EtcdServers) -> None:
    need_etcdctl()
    async with Cluster(store=etcd.url, nodes=1, clock="virtual") as cluster:
        await cluster.apply(deployment("web", 1))
        await cluster.apply([copy.deepcopy(GOOD)])
        await cluster.apply(
            {
                "apiVersion": "v1",
                "kind": "Service",
                "metadata": {"name": "web", "namespace": "default"},
                "spec": {"selector": {"app": "web"}, "ports": [{"port": 80}]},
            }
        )
        await cluster.settle()
        await cluster.client.create(
            from_dict(
                {
                    "apiVersion": "stable.example.com/v1",
                    "kind": "CronTab",
                    "metadata": {"name": "nightly", "namespace": "default"},
                    "spec": {"cron": "0 3 * * *"},
                }
            )
        )
        node = cluster.nodes[0]
    etcdctl = ["etcdctl", f"--endpoints={etcd.endpoints[0]}"]
    result = await anyio.run_process([*etcdctl, "get", "--prefix", "/registry", "--keys-only"])
    listed = result.stdout.decode().split()
    for key in (
        f"/registry/minions/{node}",
        "/registry/namespaces/default",
        "/registry/services/specs/default/web",
        "/registry/services/endpoints/default/web",
        "/registry/deployments/default/web",
        "/registry/serviceaccounts/default/default",
        "/registry/apiextensions.k8s.io/customresourcedefinitions/crontabs.stable.example.com",
        "/registry/stable.example.com/crontabs/default/nightly",
    ):
        assert key in listed
    assert any(k.startswith("/registry/pods/default/web-") for k in listed)
    assert any(k.startswith("/registry/replicasets/default/web-") for k in listed)
    assert not any(k.startswith(("/registry/core/", "/registry/apps/")) for k in listed)


async def test_an_sqlite_store_of_the_first_layout_opens_with_every_write(tmp_path: Path) -> None:
    path = tmp_path / "store.db"
    async with Cluster(store=f"sqlite://{path}", nodes=1, clock="virtual") as cluster:
        await cluster.apply(deployment("web", 2))
        await cluster.settle()
        config = await cluster.client.create(
            ConfigMap(metadata=ObjectMeta(name="settings", namespace="default"))
        )
        pods = {p.metadata.name: p for p in await cluster.client.list(Pod, namespace="default")}
    # The file as an older kube-actors left it: keys of the first layout, schema version 1.
    with sqlite3.connect(path) as db:
        db.create_function("first_layout", 1, _first_layout)
        db.execute("UPDATE kv SET key = first_layout(key) WHERE key LIKE '/registry/%'")
        db.execute("UPDATE meta SET value = '1' WHERE name = 'schema_version'")
        old = {k for (k,) in db.execute("SELECT key FROM kv")}
    db.close()
    assert "/registry/core/configmaps/default/settings" in old
    assert "/registry/core/nodes/" + cluster.nodes[0] in old

    async with Cluster(store=f"sqlite://{path}", nodes=1, clock="virtual") as cluster:
        again = await cluster.client.get(ConfigMap, "settings", namespace="default")
        assert again.metadata.resource_version == config.metadata.resource_version
        for pod in await cluster.client.list(Pod, namespace="default"):
            if pod.metadata.name in pods:
                assert pod.metadata.uid == pods[pod.metadata.name].metadata.uid
        assert set(pods) <= {p.metadata.name for p in await cluster.client.list(Pod)}
        await cluster.client.delete(ConfigMap, "settings", namespace="default")
    with sqlite3.connect(path) as db:
        keys = {k for (k,) in db.execute("SELECT key FROM kv")}
        (version,) = db.execute("SELECT value FROM meta WHERE name = 'schema_version'").fetchone()
    db.close()
    assert version == "2"
    assert "/registry/configmaps/default/settings" in keys
    assert not any(k.startswith("/registry/core/") for k in keys)
