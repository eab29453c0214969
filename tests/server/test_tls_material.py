"""The TLS material a server keeps on disk (``_tls``): control planes sharing one
``--cert-dir`` make one CA and one admin token between them, files appear whole or not at
all, and the admin token can be given on a command line as it is."""

from __future__ import annotations

import argparse
import concurrent.futures
import os
import secrets
import threading
from pathlib import Path

import pytest
from cryptography import x509

from kube_actors.cli._agent import add_agent_arguments
from kube_actors.server import _tls
from kube_actors.server._tls import Credentials, credentials


def test_control_planes_preparing_one_empty_cert_dir_at_once_share_one_ca(tmp_path: Path) -> None:
    """Three control planes started together on an empty ``--cert-dir`` (threads here: the
    directory's lock is taken per open file, so they exclude one another as processes do):
    one CA and one admin token, made by one of them and read whole by the others, every
    server's certificate signed by that CA, and no draft file left behind."""
    pki = tmp_path / "pki"
    start = threading.Barrier(3)

    def prepare(n: int) -> Credentials:
        start.wait()
        return credentials(tmp_path / f"cp-{n}", "127.0.0.1", cert_dir=pki)

    with concurrent.futures.ThreadPoolExecutor(3) as pool:
        made = list(pool.map(prepare, range(3)))
    assert {creds.token for creds in made} == {(pki / "admin.token").read_text().strip()}
    ca = x509.load_pem_x509_certificate((pki / "ca.crt").read_bytes())
    for creds in made:
        assert creds.ca_cert == pki / "ca.crt"
        served = x509.load_pem_x509_certificate(creds.server_cert.read_bytes())
        served.verify_directly_issued_by(ca)
    assert sorted(p.name for p in pki.iterdir()) == [".lock", "admin.token", "ca.crt", "ca.key"]


def test_a_write_that_fails_halfway_leaves_the_file_as_it_was(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A process killed, or a disk full, while the CA is written: the reader sees the old
    file, never a truncated one, and no draft stays."""
    pki = tmp_path / "pki"
    first = credentials(tmp_path / "cp-0", "127.0.0.1", cert_dir=pki)
    before = first.ca_cert.read_bytes()

    def disk_full(descriptor: int) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", disk_full)
    with pytest.raises(OSError, match="No space left"):
        _tls._write_whole(first.ca_cert, b"-----BEGIN CERT", mode=0o644)
    assert first.ca_cert.read_bytes() == before
    assert sorted(p.name for p in pki.iterdir()) == [".lock", "admin.token", "ca.crt", "ca.key"]


def test_the_admin_token_never_starts_with_a_dash(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``kube-actors agent --token T`` takes a token starting with "-" for an option: such a
    draw (1 in 64) is drawn again."""
    draws = iter(["-M3DtqeMOC6ewVz4oH-lT29KKCFnFlwvctxPH52eYks", "M3DtqeMOC6ewVz4oH"])
    monkeypatch.setattr(secrets, "token_urlsafe", lambda size: next(draws))
    token = credentials(tmp_path, "127.0.0.1").token
    assert token == "M3DtqeMOC6ewVz4oH"
    assert (tmp_path / "admin.token").read_text() == f"{token}\n"
    agent = argparse.ArgumentParser()
    add_agent_arguments(agent)
    assert agent.parse_args(["--server", "https://127.0.0.1:6443", "--token", token]).token == token
