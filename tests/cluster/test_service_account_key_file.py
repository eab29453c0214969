"""``Cluster(service_account_key_file=...)``: the key that signs service-account tokens is kept
in a file, so a token issued before a restart is still accepted after it (``kube-actors up``
keeps it as ``sa.key`` in its data directory)."""

from __future__ import annotations

import datetime as dt
import stat
from pathlib import Path

from kube_actors import Cluster
from kube_actors.api import ObjectMeta, ServiceAccount


def _account() -> ServiceAccount:
    return ServiceAccount(metadata=ObjectMeta(name="builder", namespace="default", uid="u-1"))


async def test_a_token_signed_before_a_restart_is_accepted_after_it(tmp_path: Path) -> None:
    key_file = tmp_path / "pki" / "sa.key"
    now = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    async with Cluster(service_account_key_file=key_file) as cluster:
        issuer = cluster.token_issuer
        token = issuer.sign(
            _account(), audiences=issuer.audiences, expiration_seconds=3600, now=now
        )
        first_key = issuer.key_id
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    async with Cluster(service_account_key_file=key_file) as cluster:
        assert cluster.token_issuer.key_id == first_key
        claims = cluster.token_issuer.claims(token)
        assert claims is not None
        assert (claims.namespace, claims.account, claims.account_uid) == (
            "default",
            "builder",
            "u-1",
        )


async def test_without_a_key_file_each_cluster_signs_with_its_own_key() -> None:
    now = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    async with Cluster() as cluster:
        issuer = cluster.token_issuer
        token = issuer.sign(
            _account(), audiences=issuer.audiences, expiration_seconds=3600, now=now
        )
    async with Cluster() as cluster:
        assert cluster.token_issuer.claims(token) is None
