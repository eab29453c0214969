"""``etcd_servers``: real etcd servers for a test, one member or a cluster of three.

Each member is an ``etcd`` process on free loopback ports with a data directory of its own
under a temporary directory, all removed on exit. The helper waits until every member says
it is healthy (etcd's ``/health``: a leader is elected) before handing the cluster over,
so a test starts on a working store. ``kill(i)`` ends a member with SIGKILL, as a crash
would, and ``start(i)`` brings it back on its data directory.

``tls=True`` serves TLS to clients (``https://``, client certificates required, as
kubeadm sets etcd up): the certificates are made for the test (``_etcd_certs``), and
``tls_files`` is the ``EtcdTLS`` a client connects with.

The ``etcd`` binary comes from the system (Debian's ``etcd-server`` package: ``apt-get
install etcd-server``) or ``binary=``; without one, ``EtcdNotFound`` says how to get it.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import ssl
import subprocess
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path
from types import TracebackType

from ..errors import KubeActorsError
from ..etcd import EtcdTLS
from ._etcd_certs import EtcdCertificates, make_certificates

__all__ = ["EtcdNotFound", "EtcdServers", "etcd_binary", "etcd_servers"]

#: How long members may take to elect a leader (real seconds).
_START_TIMEOUT = 30.0


class EtcdNotFound(KubeActorsError):
    """No ``etcd`` binary to run."""


def etcd_binary() -> str | None:
    """The ``etcd`` to run: ``$ETCD_BINARY``, or ``etcd`` on the ``PATH``; None if neither."""
    named = os.environ.get("ETCD_BINARY")
    if named:
        return named if Path(named).exists() else None
    return shutil.which("etcd")


def _free_ports(count: int) -> list[int]:
    sockets = [socket.socket() for _ in range(count)]
    try:
        for sock in sockets:
            sock.bind(("127.0.0.1", 0))
        return [sock.getsockname()[1] for sock in sockets]
    finally:
        for sock in sockets:
            sock.close()


class EtcdServers:
    """``members`` etcd servers forming one cluster on loopback; a context manager.

    ``endpoints``: their client addresses (``127.0.0.1:port``); ``url``: the store as
    ``Cluster(store=...)`` takes it. ``kill(i)``/``start(i)``: crash and restart member i.
    """

    def __init__(self, members: int = 1, *, binary: str | None = None, tls: bool = False) -> None:
        if members < 1:
            raise ValueError(f"members must be at least 1, not {members}")
        found = binary or etcd_binary()
        if found is None:
            raise EtcdNotFound(
                "no etcd binary: install Debian's etcd-server package (apt-get install "
                "etcd-server) or set ETCD_BINARY to an etcd 3.4+ binary"
            )
        self.binary = found
        self.members = members
        ports = _free_ports(2 * members)
        self._client_ports = ports[:members]
        self._peer_ports = ports[members:]
        self._root: Path | None = None
        self._processes: list[subprocess.Popen[bytes] | None] = [None] * members
        self.tls = tls
        self._certificates: EtcdCertificates | None = None

    @property
    def endpoints(self) -> tuple[str, ...]:
        return tuple(f"127.0.0.1:{port}" for port in self._client_ports)

    @property
    def client_urls(self) -> tuple[str, ...]:
        """The endpoints as ``--etcd-servers`` takes them (``https://`` with TLS)."""
        scheme = "https" if self.tls else "http"
        return tuple(f"{scheme}://{endpoint}" for endpoint in self.endpoints)

    @property
    def certificates(self) -> EtcdCertificates:
        """The test's certificates (TLS only, once started)."""
        if self._certificates is None:
            raise RuntimeError("the certificates are made when TLS servers start")
        return self._certificates

    @property
    def tls_files(self) -> EtcdTLS | None:
        """What a client connects with: the CA and the client's certificate and key."""
        if not self.tls:
            return None
        files = self.certificates
        return EtcdTLS(
            ca_file=str(files.ca_file),
            cert_file=str(files.client_cert),
            key_file=str(files.client_key),
        )

    @property
    def url(self) -> str:
        """The store as ``Cluster(store=...)`` takes it (TLS files in its query)."""
        url = "etcd://" + ",".join(self.endpoints)
        tls = self.tls_files
        if tls is not None:
            url += f"?cafile={tls.ca_file}&certfile={tls.cert_file}&keyfile={tls.key_file}"
        return url

    def _name(self, index: int) -> str:
        return f"member-{index}"

    def _command(self, index: int) -> list[str]:
        assert self._root is not None
        client = self.client_urls[index]
        peer = f"http://127.0.0.1:{self._peer_ports[index]}"
        initial = ",".join(
            f"{self._name(i)}=http://127.0.0.1:{port}" for i, port in enumerate(self._peer_ports)
        )
        return [
            self.binary,
            f"--name={self._name(index)}",
            f"--data-dir={self._root / self._name(index)}",
            f"--listen-client-urls={client}",
            f"--advertise-client-urls={client}",
            f"--listen-peer-urls={peer}",
            f"--initial-advertise-peer-urls={peer}",
            f"--initial-cluster={initial}",
            "--initial-cluster-state=new",
            "--initial-cluster-token=kube-actors-test",
            # A test cluster on one machine: elect a leader fast.
            "--heartbeat-interval=50",
            "--election-timeout=500",
            "--log-level=error",
            *self._tls_flags(),
        ]

    def _tls_flags(self) -> list[str]:
        if not self.tls:
            return []
        files = self.certificates
        return [
            f"--cert-file={files.server_cert}",
            f"--key-file={files.server_key}",
            f"--trusted-ca-file={files.ca_file}",
            "--client-cert-auth",
        ]

    def start(self, index: int | None = None) -> None:
        """Start every member (or member ``index`` again) and wait until they are healthy."""
        if self._root is None:
            self._root = Path(tempfile.mkdtemp(prefix="kube-actors-etcd-"))
        if self.tls and self._certificates is None:
            self._certificates = make_certificates(self._root / "pki")
        indexes = range(self.members) if index is None else [index]
        for i in indexes:
            if self._processes[i] is not None:
                continue
            log = open(self._root / f"{self._name(i)}.log", "ab")  # noqa: SIM115
            with log:
                self._processes[i] = subprocess.Popen(
                    self._command(i), stdout=log, stderr=subprocess.STDOUT
                )
        for i in indexes:
            self._wait_healthy(i)

    def _wait_healthy(self, index: int) -> None:
        deadline = time.monotonic() + _START_TIMEOUT
        url = f"{self.client_urls[index]}/health"
        context = None
        if self.tls:
            files = self.certificates
            context = ssl.create_default_context(cafile=str(files.ca_file))
            context.load_cert_chain(files.client_cert, files.client_key)
        last = "no answer"
        while time.monotonic() < deadline:
            process = self._processes[index]
            if process is not None and process.poll() is not None:
                raise KubeActorsError(
                    f"etcd {self._name(index)} exited with {process.returncode}: "
                    f"{self._log_tail(index)}"
                )
            try:
                with urllib.request.urlopen(url, timeout=1, context=context) as answer:
                    if json.loads(answer.read()).get("health") == "true":
                        return
            except (OSError, urllib.error.URLError, ValueError) as error:
                last = str(error)
            time.sleep(0.05)
        raise KubeActorsError(f"etcd {self._name(index)} not healthy in time: {last}")

    def _log_tail(self, index: int) -> str:
        assert self._root is not None
        path = self._root / f"{self._name(index)}.log"
        return path.read_text(errors="replace")[-2000:] if path.exists() else ""

    def kill(self, index: int) -> None:
        """End member ``index`` with SIGKILL, as a crash would."""
        process = self._processes[index]
        if process is not None:
            process.kill()
            process.wait()
            self._processes[index] = None

    def stop(self) -> None:
        """Kill every member and remove the data directories."""
        for i in range(self.members):
            self.kill(i)
        if self._root is not None:
            shutil.rmtree(self._root, ignore_errors=True)
            self._root = None
            self._certificates = None

    def __enter__(self) -> EtcdServers:
        try:
            self.start()
        except BaseException:
            self.stop()
            raise
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()


def etcd_servers(members: int = 1, *, binary: str | None = None, tls: bool = False) -> EtcdServers:
    """``with etcd_servers(3) as etcd: Cluster(store=etcd.url)``: see ``EtcdServers``."""
    return EtcdServers(members, binary=binary, tls=tls)
