"""``ApiHttpServer``: Kubernetes' REST API over HTTPS for a running cluster, as a context.

It runs on the event loop it is entered on (the cluster's): aiohttp's server tasks live
until the context exits, which closes every connection (open watches included). On entry it
makes or reuses the TLS material and the admin token in ``data_dir``, listens, and writes the
kubeconfig there; what it answers is ``Served``: the URL, the token, the kubeconfig's text and
path. Without a ``data_dir`` a temporary one is used and removed at exit.

On virtual time the loop must not jump past timers while a client is waiting for an answer:
serving holds the virtual clock to the wall clock (see
``VirtualTimeEventLoop.hold_real_time``), so a served test cluster runs at real speed.
"""

from __future__ import annotations

import asyncio
import contextlib
import ipaddress
import os
import shutil
import tempfile
from collections.abc import Sequence
from pathlib import Path
from types import TracebackType
from typing import Any, Final

import anyio
import anyio.abc
import attrs
from aiohttp import web

from kube_actors.actors import VirtualTimeEventLoop
from kube_actors.api import (
    ClusterRole,
    ClusterRoleBinding,
    PersistentVolumeClaim,
    Pod,
    Role,
    RoleBinding,
    SubjectAccessReview,
)
from kube_actors.client import Client, SharedInformer
from kube_actors.errors import ActorError, ApiError

from .._log import get_logger
from ._access import AccessControl
from ._app import make_app
from ._authn import AdminToken, StaticTokens, TokenAuthenticator, UserInfo
from ._authorization_modes import NodeAndRbac
from ._authorizer import PolicyCache, RbacAuthorizer
from ._bootstrap_policy import reconcile_bootstrap_policy
from ._bootstrap_tokens import BootstrapTokens
from ._encode import Encoder
from ._encoded_cache import DEFAULT_CACHE_BYTES, EncodedCache
from ._endpoint_reconciler import ApiServerEndpoints
from ._exec import StreamSource
from ._kubeconfig import kubeconfig_dict, kubeconfig_text
from ._kubernetes_service import DEFAULT_SERVICE_IP, publish_kubernetes_service
from ._logs import LogSource
from ._node_authorizer import NODE_NAME_INDEX, NodeAuthorizer
from ._node_restriction import NodeRestriction
from ._rest import Rest
from ._reviews import answer_review
from ._root_ca import publish_root_ca
from ._subresources import Subresources
from ._tls import Credentials, credentials, server_ssl_context

__all__ = ["ApiHttpServer", "Served"]

_log = get_logger("kube_actors.server")
LOOPBACK: Final = "127.0.0.1"


@attrs.frozen(kw_only=True)
class Served:
    """Where a served cluster answers and how to reach it."""

    url: str
    token: str
    kubeconfig: str
    kubeconfig_path: Path
    ca_cert: Path | None

    def kubeconfig_dict(self) -> dict[str, object]:
        ca = self.ca_cert.read_bytes() if self.ca_cert is not None else None
        return kubeconfig_dict(self.url, self.token, ca)


def _url_host(address: str) -> str:
    if address in ("0.0.0.0", "::", ""):
        return LOOPBACK  # listening everywhere: the local kubeconfig uses loopback
    try:
        if isinstance(ipaddress.ip_address(address), ipaddress.IPv6Address):
            return f"[{address}]"
    except ValueError:
        pass
    return address


def _endpoint_ip(runner: web.AppRunner) -> str:
    """The IP Pods reach the API server on: the bound socket's (a name given as the address
    is resolved by then), loopback when it listens everywhere."""
    for address in runner.addresses:
        if isinstance(address, tuple) and address and address[0] not in ("0.0.0.0", "::"):
            return str(address[0])
    return LOOPBACK


class ApiHttpServer:
    """Serve ``client``'s apiserver over HTTP(S): ``async with ApiHttpServer(client) as s``.

    ``address`` defaults to loopback; ``port`` 0 picks a free one. ``tls`` False serves plain
    HTTP (tests, a proxy in front); ``token`` None makes one (kept in ``data_dir``).
    ``cert_dir``: the CA and the admin token shared by several servers of one cluster
    (see ``_tls.credentials``); None keeps them in ``data_dir``.
    ``logs`` reads container logs for ``pods/log``, and ``streams`` opens the sessions of
    ``pods/exec``, ``pods/attach`` and ``pods/portforward`` (the cluster provides both).
    Requests authenticate with a bearer token: the admin token, a user's from
    ``token_auth_file`` (Kubernetes' ``--token-auth-file`` CSV), or one that one of
    ``authenticators`` knows; RBAC then decides what each user may do. ``authenticate``
    False turns both off. ``encoded_cache_bytes`` bounds the cache of encoded objects (each
    stored version is encoded once per encoding for every get, list and watch); 0 turns it
    off. ``kubernetes_service_ip``: the ClusterIP of the ``kubernetes`` Service, the first
    address of the cluster's Service range (the served certificate names it too).
    """

    def __init__(
        self,
        client: Client,
        *,
        logs: LogSource | None = None,
        streams: StreamSource | None = None,
        address: str = LOOPBACK,
        port: int = 0,
        data_dir: str | Path | None = None,
        cert_dir: str | os.PathLike[str] | None = None,
        tls: bool = True,
        authenticate: bool = True,
        token_auth_file: str | Path | None = None,
        authenticators: Sequence[TokenAuthenticator] = (),
        encoded_cache_bytes: int = DEFAULT_CACHE_BYTES,
        kubernetes_service_ip: str = DEFAULT_SERVICE_IP,
    ) -> None:
        if encoded_cache_bytes < 0:
            raise ValueError(f"encoded_cache_bytes must be 0 or more, not {encoded_cache_bytes}")
        self.client = client
        self.kubernetes_service_ip = kubernetes_service_ip
        self.encoded_cache = EncodedCache(encoded_cache_bytes)
        self.logs = logs
        self.streams = streams
        self.address = address
        self.port = port
        self.tls = tls
        self.authenticate = authenticate
        # Read now, so that a bad file is an error before anything starts.
        self._static_tokens = (
            StaticTokens.from_file(token_auth_file) if token_auth_file is not None else None
        )
        self._extra_authenticators = tuple(authenticators)
        self._informers: anyio.abc.TaskGroup | None = None
        self._background: anyio.abc.TaskGroup | None = None
        self._endpoints: ApiServerEndpoints | None = None
        self._data_dir = Path(data_dir).expanduser() if data_dir is not None else None
        self._cert_dir = Path(cert_dir).expanduser() if cert_dir is not None else None
        self._temporary: Path | None = None
        self._runner: web.AppRunner | None = None
        self._hold: contextlib.AbstractContextManager[None] | None = None
        self.served: Served | None = None
        #: The TLS material, once serving: its CA signs clients' certificates too.
        self.credentials: Credentials | None = None
        #: Authentication and authorization, once serving (None when ``authenticate`` False).
        self.access: AccessControl | None = None

    async def __aenter__(self) -> Served:
        data_dir = self._data_dir
        if data_dir is None:
            data_dir = self._temporary = Path(tempfile.mkdtemp(prefix="kube-actors-"))
        data_dir.mkdir(parents=True, exist_ok=True)
        creds = self.credentials = credentials(
            data_dir, self.address, cert_dir=self._cert_dir, service_ip=self.kubernetes_service_ip
        )
        subresources = Subresources(self.client, self.logs, self.streams)
        rest = Rest(self.client, subresources, Encoder(self.encoded_cache))
        access = self.access = await self._access(creds.token) if self.authenticate else None
        if access is not None:
            rest.authorizer = access.authorizer
            rest.authenticators = access.authenticators
        app = make_app(rest, access=access)
        runner = web.AppRunner(
            app, handler_cancellation=True, access_log=None, shutdown_timeout=1.0
        )
        await runner.setup()
        self._runner = runner
        try:
            site = web.TCPSite(
                runner,
                self.address,
                self.port,
                ssl_context=server_ssl_context(creds) if self.tls else None,
            )
            await site.start()
        except BaseException:
            await self._close()
            raise
        port = _bound_port(runner)
        try:
            await publish_kubernetes_service(self.client, port, self.kubernetes_service_ip)
            await self._join_endpoints(ApiServerEndpoints(self.client, _endpoint_ip(runner), port))
        except BaseException:
            await self._close()
            raise
        if self.tls and self._informers is not None:
            try:
                await publish_root_ca(self.client, creds.ca_pem().decode(), self._informers)
            except BaseException:
                await self._close()
                raise
        scheme = "https" if self.tls else "http"
        url = f"{scheme}://{_url_host(self.address)}:{port}"
        ca = creds.ca_pem() if self.tls else None
        text = kubeconfig_text(url, creds.token, ca)
        path = data_dir / "kubeconfig"
        path.write_text(text)
        path.chmod(0o600)
        loop = asyncio.get_running_loop()
        if isinstance(loop, VirtualTimeEventLoop):
            self._hold = loop.hold_real_time()
            self._hold.__enter__()
        self.served = Served(
            url=url,
            token=creds.token,
            kubeconfig=text,
            kubeconfig_path=path,
            ca_cert=creds.ca_cert if self.tls else None,
        )
        _log.info("api_serving", url=url, kubeconfig=str(path))
        return self.served

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self._close()

    async def review(self, review: SubjectAccessReview) -> SubjectAccessReview:
        """``review`` answered by this server's authorizer, as a POST of it would be (the
        csrapproving controller asks this in-process)."""
        if self.access is None:
            raise RuntimeError("the server authorizes no requests (authenticate=False)")
        answer: SubjectAccessReview = await answer_review(
            review, _NOBODY, self.access.authorizer, self.access.authenticators
        )
        return answer

    async def _access(self, admin_token: str) -> AccessControl:
        """Reconcile the default roles, then keep the RBAC kinds, and the Pods and claims
        the Node authorizer reads, in informers' caches (run by this context's task group)."""
        await reconcile_bootstrap_policy(self.client)
        roles = SharedInformer(self.client, Role)
        cluster_roles = SharedInformer(self.client, ClusterRole)
        role_bindings = SharedInformer(self.client, RoleBinding)
        cluster_role_bindings = SharedInformer(self.client, ClusterRoleBinding)
        pods = SharedInformer(self.client, Pod, indexers={NODE_NAME_INDEX: _bound_node})
        claims = SharedInformer(self.client, PersistentVolumeClaim)
        informers: tuple[SharedInformer[Any], ...] = (
            roles,
            cluster_roles,
            role_bindings,
            cluster_role_bindings,
            pods,
            claims,
        )
        group = anyio.create_task_group()
        await group.__aenter__()
        self._informers = group
        for informer in informers:
            group.start_soon(informer.run)
        for informer in informers:
            await informer.wait_synced()
        policy = PolicyCache(
            roles.indexer,
            cluster_roles.indexer,
            role_bindings.indexer,
            cluster_role_bindings.indexer,
        )
        authenticators: list[TokenAuthenticator] = [AdminToken(admin_token)]
        if self._static_tokens is not None:
            authenticators.append(self._static_tokens)
        authenticators.extend(self._extra_authenticators)
        # kubeadm's bootstrap tokens: system:bootstrap:<id>, which may ask for a certificate.
        authenticators.append(BootstrapTokens(self.client))
        authorizer = NodeAndRbac(
            NodeAuthorizer(pods.indexer, claims.indexer), RbacAuthorizer(policy)
        )
        return AccessControl(authenticators, authorizer, NodeRestriction(self.client))

    async def _join_endpoints(self, endpoints: ApiServerEndpoints) -> None:
        """In the ``kubernetes`` Endpoints now, kept there while serving, out at exit."""
        await endpoints.reconcile()
        self._endpoints = endpoints
        group = self._background = anyio.create_task_group()
        await group.__aenter__()
        group.start_soon(endpoints.run)

    async def _close(self) -> None:
        self.access = self.credentials = None
        background, self._background = self._background, None
        if background is not None:
            background.cancel_scope.cancel()
            await background.__aexit__(None, None, None)
        endpoints, self._endpoints = self._endpoints, None
        if endpoints is not None:
            with anyio.CancelScope(shield=True), contextlib.suppress(ApiError, ActorError):
                await endpoints.leave()
        group, self._informers = self._informers, None
        if group is not None:
            group.cancel_scope.cancel()
            await group.__aexit__(None, None, None)
        runner, self._runner = self._runner, None
        if runner is not None:
            await runner.cleanup()
        if self._hold is not None:
            self._hold.__exit__(None, None, None)
            self._hold = None
        if self._temporary is not None:
            shutil.rmtree(self._temporary, ignore_errors=True)
            self._temporary = None


#: The requester of an in-process review: a SubjectAccessReview names its own subject.
_NOBODY: Final = UserInfo(name="system:kube-controller-manager")


def _bound_node(pod: Pod) -> list[str]:
    return [pod.spec.node_name] if pod.spec.node_name else []


def _bound_port(runner: web.AppRunner) -> int:
    for address in runner.addresses:
        if isinstance(address, tuple) and len(address) >= 2:
            return int(address[1])
    raise RuntimeError("the HTTP server is not listening on a TCP port")
