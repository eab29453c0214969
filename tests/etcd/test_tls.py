"""TLS to etcd: ``https://`` endpoints with kube-apiserver's three files (``EtcdTLS``), on an
etcd that asks clients for a certificate; a certificate from another CA is a clear error."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import anyio
import pytest

from kube_actors.cluster import Cluster
from kube_actors.cluster._store import etcd_store_url, parse_store
from kube_actors.errors import StoreUnavailable
from kube_actors.etcd import EtcdTLS, Put, Range, RemoteBackend
from kube_actors.testing import EtcdServers, deployment, etcd_servers
from kube_actors.testing._etcd_certs import make_certificates

from .conftest import need_etcdctl
from .test_remote import _need_etcd


@pytest.fixture(scope="module")
def tls_etcd() -> Iterator[EtcdServers]:
    _need_etcd()
    with etcd_servers(1, tls=True) as servers:
        yield servers


async def test_a_cluster_runs_on_an_etcd_that_serves_tls(tls_etcd: EtcdServers) -> None:
    need_etcdctl()
    assert "cafile=" in tls_etcd.url
    async with Cluster(store=tls_etcd.url, nodes=1, clock="virtual") as cluster:
        await cluster.apply(deployment("web", 1))
        await cluster.settle()
    files = tls_etcd.tls_files
    assert files is not None
    etcdctl = [
        "etcdctl",
        f"--endpoints={tls_etcd.client_urls[0]}",
        f"--cacert={files.ca_file}",
        f"--cert={files.cert_file}",
        f"--key={files.key_file}",
    ]
    listed = await anyio.run_process([*etcdctl, "get", "--prefix", "/registry/", "--keys-only"])
    assert "/registry/deployments/default/web" in listed.stdout.decode().split()


async def test_https_endpoints_with_the_files_read_and_write(tls_etcd: EtcdServers) -> None:
    store = RemoteBackend(tls_etcd.client_urls, tls=tls_etcd.tls_files)
    try:
        await store.put(Put(key="/tls/a", value=1))
        assert [kv.value for kv in (await store.range(Range(key="/tls/a"))).kvs] == [1]
    finally:
        await store.close()


async def test_a_certificate_of_another_ca_is_a_clear_error(
    tls_etcd: EtcdServers, tmp_path: Path
) -> None:
    other = make_certificates(tmp_path, name="other-ca")
    wrong = EtcdTLS(
        ca_file=str(other.ca_file),
        cert_file=str(other.client_cert),
        key_file=str(other.client_key),
    )
    store = RemoteBackend(tls_etcd.client_urls, tls=wrong, timeout=1.0)
    try:
        with pytest.raises(
            StoreUnavailable,
            match=r"TLS handshake failed.*--etcd-cafile.*CERTIFICATE_VERIFY_FAILED",
        ):
            await store.range(Range(key="/tls/a"))
    finally:
        await store.close()


def test_tls_files_that_cannot_be_read_are_named_by_their_flag(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match=r"--etcd-cafile .*missing\.crt"):
        RemoteBackend("https://127.0.0.1:2379", tls=EtcdTLS(ca_file=str(tmp_path / "missing.crt")))
    (tmp_path / "plain.txt").write_text("not a certificate")
    with pytest.raises(ValueError, match=r"--etcd-certfile .*not a PEM file"):
        EtcdTLS(
            cert_file=str(tmp_path / "plain.txt"), key_file=str(tmp_path / "plain.txt")
        ).credentials()
    with pytest.raises(ValueError, match="--etcd-certfile and --etcd-keyfile go together"):
        EtcdTLS(cert_file="client.crt")


def test_store_urls_carry_the_tls_files(tmp_path: Path) -> None:
    files = make_certificates(tmp_path)
    tls = EtcdTLS(ca_file=str(files.ca_file))
    url = etcd_store_url("https://127.0.0.1:2379", tls)
    assert parse_store(url).etcd_tls == tls
    assert parse_store(url).etcd_servers == ("127.0.0.1:2379",)
    assert parse_store(etcd_store_url("https://127.0.0.1:2379")).etcd_tls == EtcdTLS()
    assert parse_store(etcd_store_url("http://127.0.0.1:2379")).etcd_tls is None
    with pytest.raises(ValueError, match="servers are http://"):
        etcd_store_url("http://127.0.0.1:2379", tls)
    with pytest.raises(ValueError, match="every one is https:// or none is"):
        etcd_store_url("https://127.0.0.1:2379,http://127.0.0.1:2380")
    with pytest.raises(ValueError, match="unknown option 'ca'"):
        parse_store("etcd://127.0.0.1:2379?ca=x")
