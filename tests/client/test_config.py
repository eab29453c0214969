"""Kubeconfig and in-cluster configuration, read as client-go reads them."""

from __future__ import annotations

import base64
from pathlib import Path
from typing import Any

import pytest
import yaml

from kube_actors.client import in_cluster_config, load_kubeconfig
from kube_actors.errors import ConfigError


def kubeconfig(path: Path, **user: Any) -> Path:
    path.write_text(
        yaml.safe_dump(
            {
                "apiVersion": "v1",
                "kind": "Config",
                "clusters": [
                    {"name": "one", "cluster": {"server": "https://one:6443/"}},
                    {
                        "name": "two",
                        "cluster": {
                            "server": "https://two:6443",
                            "certificate-authority-data": base64.b64encode(b"CA").decode(),
                        },
                    },
                ],
                "users": [{"name": "me", "user": user}],
                "contexts": [
                    {"name": "a", "context": {"cluster": "one", "user": "me"}},
                    {"name": "b", "context": {"cluster": "two", "user": "me", "namespace": "x"}},
                ],
                "current-context": "a",
            }
        )
    )
    return path


def test_the_current_context_names_the_server_and_the_token(tmp_path: Path) -> None:
    config = load_kubeconfig(kubeconfig(tmp_path / "config", token="secret"))
    assert (config.server, config.token, config.namespace) == (
        "https://one:6443",
        "secret",
        "default",
    )
    assert config.ca_pem is None
    assert "secret" not in repr(config)


def test_another_context_and_files_relative_to_the_kubeconfig(tmp_path: Path) -> None:
    (tmp_path / "token").write_text("from-file\n")
    (tmp_path / "client.crt").write_bytes(b"CERT")
    path = kubeconfig(
        tmp_path / "config",
        tokenFile="token",
        **{
            "client-certificate": "client.crt",
            "client-key-data": base64.b64encode(b"KEY").decode(),
        },
    )
    config = load_kubeconfig(path, context="b")
    assert (config.server, config.namespace, config.ca_pem) == ("https://two:6443", "x", b"CA")
    assert (config.token, config.client_cert_pem, config.client_key_pem) == (
        "from-file",
        b"CERT",
        b"KEY",
    )


def test_kubeconfig_env_is_read_when_no_path_is_given(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("KUBECONFIG", str(kubeconfig(tmp_path / "config", token="t")))
    assert load_kubeconfig().server == "https://one:6443"


def test_a_missing_context_or_file_is_a_config_error_naming_it(tmp_path: Path) -> None:
    path = kubeconfig(tmp_path / "config", token="t")
    with pytest.raises(ConfigError, match='context "nope" does not exist'):
        load_kubeconfig(path, context="nope")
    with pytest.raises(ConfigError, match=r"no kubeconfig found at .*absent"):
        load_kubeconfig(tmp_path / "absent")
    with pytest.raises(ConfigError, match=r"user me\.client-certificate: cannot read"):
        load_kubeconfig(kubeconfig(tmp_path / "bad", **{"client-certificate": "missing.crt"}))


def test_in_cluster_config_reads_the_service_account(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "token").write_text("sa-token")
    (tmp_path / "ca.crt").write_bytes(b"CA")
    (tmp_path / "namespace").write_text("team")
    monkeypatch.setenv("KUBERNETES_SERVICE_HOST", "10.96.0.1")
    monkeypatch.setenv("KUBERNETES_SERVICE_PORT", "443")
    config = in_cluster_config(tmp_path)
    assert (config.server, config.token, config.ca_pem, config.namespace) == (
        "https://10.96.0.1:443",
        "sa-token",
        b"CA",
        "team",
    )
    monkeypatch.delenv("KUBERNETES_SERVICE_HOST")
    with pytest.raises(ConfigError, match="KUBERNETES_SERVICE_HOST"):
        in_cluster_config(tmp_path)
