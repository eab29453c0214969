"""Each container of a Pod of a served cluster gets its service account's token, the CA and its
namespace at /var/run/secrets/kubernetes.io/serviceaccount, as Kubernetes' ServiceAccount
admission and kubelet give them; ``automountServiceAccountToken: false`` is honoured."""

from __future__ import annotations

from typing import Any

import pytest

from kube_actors import Cluster
from kube_actors.api import ConfigMap, Container, ObjectMeta, Pod, PodSpec, ServiceAccount
from kube_actors.server import ServiceAccountTokens

pytestmark = pytest.mark.real_time

PATH = "/var/run/secrets/kubernetes.io/serviceaccount"


def pod(name: str, **spec: Any) -> Pod:
    return Pod(
        metadata=ObjectMeta(name=name, namespace="default"),
        spec=PodSpec(containers=(Container(name="app", image="nginx"),), **spec),
    )


async def test_a_pod_gets_a_token_bound_to_it_the_ca_and_its_namespace() -> None:
    async with (
        Cluster(nodes=1, clock="real", controllers=["serviceaccount"]) as cluster,
        cluster.serve() as served,
    ):
        assert served.ca_cert is not None
        root_ca = await cluster.client.get(ConfigMap, "kube-root-ca.crt", namespace="kube-system")
        assert root_ca.data["ca.crt"] == served.ca_cert.read_text()
        await cluster.wait_for(ServiceAccount, "default", condition=lambda sa: True)
        created = await cluster.client.create(pod("web"))
        [volume] = created.spec.volumes
        assert volume.name.startswith("kube-api-access-")
        [mount] = created.spec.containers[0].volume_mounts
        assert (mount.name, mount.mount_path, mount.read_only) == (volume.name, PATH, True)
        await cluster.wait_for(Pod, "web", condition="Ready", timeout=30)
        runtime = cluster.runtime(cluster.nodes[0])
        [container] = await runtime.list_containers()
        config: Any = runtime._container(container.id).config  # type: ignore[attr-defined]
        files = {m.container_path: dict(m.files) for m in config.mounts}[PATH]
        assert sorted(files) == ["ca.crt", "namespace", "token"]
        assert files["namespace"] == b"default"
        assert files["ca.crt"] == served.ca_cert.read_bytes()
        user = await ServiceAccountTokens(cluster.token_issuer, cluster.client).authenticate(
            files["token"].decode()
        )
        assert user is not None
        assert user.name == "system:serviceaccount:default:default"
        assert user.extra["authentication.kubernetes.io/pod-name"] == ("web",)
        claims = cluster.token_issuer.claims(files["token"].decode())
        assert claims is not None
        assert claims.expires - claims.not_before == 3607


async def test_automount_false_on_the_pod_or_its_account_leaves_the_token_out() -> None:
    async with (
        Cluster(nodes=0, clock="real", controllers=()) as cluster,
        cluster.serve(),
    ):
        await cluster.client.create(
            ServiceAccount(
                metadata=ObjectMeta(name="quiet", namespace="default"),
                automount_service_account_token=False,
            )
        )
        no_account = await cluster.client.create(pod("nobody", service_account_name="nobody"))
        assert no_account.spec.volumes == ()
        no_token = await cluster.client.create(pod("a", automount_service_account_token=False))
        assert no_token.spec.volumes == ()
        quiet = await cluster.client.create(pod("b", service_account_name="quiet"))
        assert quiet.spec.volumes == ()
        asked = await cluster.client.create(
            pod("c", service_account_name="quiet", automount_service_account_token=True)
        )
        assert [v.name[:16] for v in asked.spec.volumes] == ["kube-api-access-"]
