"""``HttpTransport``: the apiserver's request messages as Kubernetes REST calls, over aiohttp.

A ``Client`` sends one message per verb (``Get``, ``List``, ``Watch``, ``Create``...) to its
transport; in-process that is the apiserver actor, here it is one HTTP request to any
Kubernetes API server (ours served by ``kube-actors up``, or a real one):

- paths are Kubernetes' (``/api/v1/namespaces/<ns>/pods/<name>``, ``/apis/<group>/<version>/...``,
  the ``status``, ``binding`` and ``eviction`` subresources), bodies its JSON manifests;
- a failure's ``Status`` becomes the same ``ApiError`` the apiserver actor raises
  (``NotFound``, ``Conflict``, ``Invalid`` with its causes...); a server that cannot be
  reached is ``ServiceUnavailable``, a request past the client's timeout ``AskTimeout``;
- a watch is a streamed response of one JSON event per line, read as a ``WatchStream``
  (ending, for the informer to watch again, when the server closes it or the connection drops).

One ``aiohttp.ClientSession`` per transport, opened on first use, closed by ``aclose``.
"""

from __future__ import annotations

import asyncio
import json
import os
import random
import ssl
import tempfile
from collections.abc import AsyncIterator, Mapping, Sequence
from typing import Any, Final
from urllib.parse import quote

import aiohttp
import anyio

from kube_actors.api import (
    Binding,
    Create,
    Delete,
    DeleteCollection,
    DeleteOptions,
    Eviction,
    Get,
    KindInfo,
    List,
    ObjectList,
    Patch,
    Pod,
    ServiceAccount,
    TokenRequest,
    Update,
    UpdateStatus,
    Watch,
    WatchEvent,
    compile_selector,
    from_dict,
    kind_info,
    structure,
    to_dict,
)
from kube_actors.errors import ActorError, AskTimeout, BadRequest, ServiceUnavailable

from ._config import ClientConfig
from ._status import error_of_status

__all__ = ["HttpTransport", "HttpWatchStream"]

_PATCH_CONTENT_TYPES: Final = {
    "merge": "application/merge-patch+json",
    "json": "application/json-patch+json",
    "strategic": "application/strategic-merge-patch+json",
    "apply": "application/apply-patch+yaml",
}
#: What a server that went away looks like to aiohttp.
_UNREACHABLE: Final = (aiohttp.ClientError, OSError, asyncio.TimeoutError)
#: client-go's reflector asks for watches of 5 to 10 minutes, so that they spread out.
_WATCH_SECONDS: Final = (300, 600)


def _ssl_context(config: ClientConfig) -> ssl.SSLContext | bool:
    if not config.server.startswith("https"):
        return False
    if config.ca_pem is not None:
        context = ssl.create_default_context(cadata=config.ca_pem.decode())
    else:
        context = ssl.create_default_context()
    if config.insecure_skip_tls_verify:
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
    if config.client_cert_pem is not None and config.client_key_pem is not None:
        # ssl loads a certificate chain only from files: write them for the moment it reads.
        with tempfile.TemporaryDirectory() as folder:
            cert, key = os.path.join(folder, "cert.pem"), os.path.join(folder, "key.pem")
            for path, data in ((cert, config.client_cert_pem), (key, config.client_key_pem)):
                fd = os.open(path, os.O_WRONLY | os.O_CREAT, 0o600)
                with os.fdopen(fd, "wb") as file:
                    file.write(data)
            context.load_cert_chain(cert, key)
    return context


def _path(info: KindInfo, namespace: str = "", name: str = "", subresource: str = "") -> str:
    prefix = f"/apis/{info.group}/{info.version}" if info.group else f"/api/{info.version}"
    parts = [prefix]
    if info.namespaced and namespace:
        parts.append(f"namespaces/{quote(namespace, safe='')}")
    parts.append(info.plural)
    if name:
        parts.append(quote(name, safe=""))
    if subresource:
        parts.append(subresource)
    return "/".join(parts)


def _selector(selector: object) -> str:
    if selector is None or selector == "":
        return ""
    if isinstance(selector, str):
        return selector
    if isinstance(selector, Mapping):
        return ",".join(f"{key}={value}" for key, value in selector.items())
    return str(compile_selector(selector))  # type: ignore[arg-type]


def _list_query(message: List | Watch | DeleteCollection) -> dict[str, str]:
    query: dict[str, str] = {}
    if labels := _selector(message.label_selector):
        query["labelSelector"] = labels
    if message.field_selector:
        query["fieldSelector"] = message.field_selector
    return query


def _write_query(dry_run: bool, field_manager: str = "", force: bool = False) -> dict[str, str]:
    query: dict[str, str] = {}
    if dry_run:
        query["dryRun"] = "All"
    if field_manager:
        query["fieldManager"] = field_manager
    if force:
        query["force"] = "true"
    return query


def _options_body(options: DeleteOptions) -> dict[str, Any]:
    body: dict[str, Any] = {"kind": "DeleteOptions", "apiVersion": "v1"}
    if options.grace_period_seconds is not None:
        body["gracePeriodSeconds"] = options.grace_period_seconds
    if options.propagation_policy is not None:
        body["propagationPolicy"] = options.propagation_policy
    if options.preconditions is not None:
        pre = options.preconditions
        body["preconditions"] = {
            key: value
            for key, value in (("uid", pre.uid), ("resourceVersion", pre.resource_version))
            if value is not None
        }
    return body


def _item(info: KindInfo, item: Mapping[str, Any]) -> Any:
    """An item of a ``<Kind>List``, which Kubernetes writes without apiVersion and kind."""
    return from_dict({"apiVersion": info.api_version, "kind": info.kind, **item})


class HttpWatchStream:
    """A watch response read as a ``WatchStream``: one event per line of the body."""

    def __init__(self, response: aiohttp.ClientResponse, info: KindInfo) -> None:
        self._response = response
        self._info = info
        self._closed = False

    async def __aiter__(self) -> AsyncIterator[WatchEvent]:
        while batch := await self.next_batch():
            for event in batch:
                yield event

    async def next_batch(self) -> Sequence[WatchEvent]:
        """The next event; an empty sequence once the server closed the stream, the
        connection dropped, or after an ``ERROR`` event."""
        while not self._closed:
            try:
                line = await self._response.content.readline()
            except _UNREACHABLE:
                line = b""
            except RuntimeError as error:
                # aiohttp's word for a connection its session closed under the read (the
                # transport moved to new credentials, ``use_config``): a drop like the others.
                if str(error) != "Connection closed.":
                    raise
                line = b""
            if not line:
                self.close()
                break
            if not line.strip():
                continue
            event = self._event(json.loads(line))
            if event.type == "ERROR":
                self.close()
            return (event,)
        return ()

    def _event(self, data: Mapping[str, Any]) -> WatchEvent:
        kind, obj = data.get("type"), data.get("object") or {}
        if kind == "ERROR":
            return WatchEvent(type="ERROR", error=error_of_status(obj, int(obj.get("code", 500))))
        version = str((obj.get("metadata") or {}).get("resourceVersion", ""))
        if kind == "BOOKMARK":
            return WatchEvent(type="BOOKMARK", resource_version=version)
        if kind not in ("ADDED", "MODIFIED", "DELETED"):
            raise BadRequest(f"unknown watch event type {kind!r}")
        if "apiVersion" not in obj:
            return WatchEvent(type=kind, obj=_item(self._info, obj), resource_version=version)
        return WatchEvent(type=kind, obj=from_dict(obj), resource_version=version)

    def close(self) -> None:
        if not self._closed:
            self._closed = True
            self._response.close()


class HttpTransport:
    """Sends a ``Client``'s messages to the API server at ``config.server``."""

    def __init__(self, config: ClientConfig, *, user_agent: str = "kube-actors") -> None:
        self.config = config
        self.user_agent = user_agent
        self._session: aiohttp.ClientSession | None = None

    @property
    def name(self) -> str:
        return self.config.server

    def __repr__(self) -> str:
        return f"HttpTransport({self.config.server!r})"

    def _open(self) -> aiohttp.ClientSession:
        if self._session is None or self._session.closed:
            headers = {"User-Agent": self.user_agent, "Accept": "application/json"}
            if self.config.token:
                headers["Authorization"] = f"Bearer {self.config.token}"
            self._session = aiohttp.ClientSession(
                connector=aiohttp.TCPConnector(ssl=_ssl_context(self.config)),
                headers=headers,
                timeout=aiohttp.ClientTimeout(total=None, connect=30),
            )
        return self._session

    async def use_config(self, config: ClientConfig) -> None:
        """Speak with ``config``'s credentials from now on (a renewed client certificate).
        Every open connection is closed, watches included, so that each request after this
        authenticates anew, as kubelet closes its connections when its certificate rotates."""
        self.config = config
        await self.aclose()

    async def aclose(self) -> None:
        """Close the connections (the transport opens new ones if used again)."""
        session, self._session = self._session, None
        if session is not None:
            await session.close()

    # ---------------------------------------------------------------------- requests

    async def ask(self, message: object, *, timeout: float | None = None) -> Any:
        """Answer ``message`` as the apiserver actor would, over HTTP."""
        try:
            with anyio.fail_after(timeout):
                return await self._answer(message)
        except TimeoutError:
            raise AskTimeout(self.name, message, timeout or 0.0) from None

    async def _call(
        self,
        method: str,
        path: str,
        *,
        query: Mapping[str, str] | None = None,
        body: Any = None,
        content_type: str = "application/json",
    ) -> Any:
        data = None if body is None else json.dumps(body).encode()
        headers = {"Content-Type": content_type} if data is not None else {}
        try:
            async with self._open().request(
                method, self.config.server + path, params=query, data=data, headers=headers
            ) as response:
                payload = await response.read()
                status = response.status
        except _UNREACHABLE as error:
            raise ServiceUnavailable(
                f"the server is currently unable to handle the request ({self.name}: {error})"
            ) from error
        try:
            decoded = json.loads(payload) if payload else None
        except ValueError:
            decoded = payload.decode(errors="replace")
        if status >= 400:
            raise error_of_status(decoded, status)
        return decoded

    async def _answer(self, message: object) -> Any:
        if isinstance(message, Get):
            info = kind_info(message.kind)
            path = _path(info, message.namespace, message.name)
            version = message.resource_version
            query = {"resourceVersion": version} if version else None
            return from_dict(await self._call("GET", path, query=query))
        if isinstance(message, List):
            return await self._list(message)
        if isinstance(message, Watch):
            return await self._watch(message)
        if isinstance(message, Create):
            return await self._create(message)
        if isinstance(message, Update | UpdateStatus):
            obj = message.obj
            info = kind_info(type(obj))
            sub = "status" if isinstance(message, UpdateStatus) else ""
            path = _path(info, obj.metadata.namespace, obj.metadata.name, sub)
            query = _write_query(message.dry_run, message.field_manager)
            return from_dict(await self._call("PUT", path, query=query, body=to_dict(obj)))
        if isinstance(message, Patch):
            return await self._patch(message)
        if isinstance(message, Delete):
            info = kind_info(message.kind)
            path = _path(info, message.namespace, message.name)
            body = _options_body(message.options)
            answer = await self._call(
                "DELETE", path, query=_write_query(message.dry_run), body=body
            )
            # A kind deleted at once may answer a Status instead of the object.
            return None if answer.get("kind") == "Status" else from_dict(answer)
        if isinstance(message, DeleteCollection):
            info = kind_info(message.kind)
            query = {**_list_query(message), **_write_query(message.dry_run)}
            await self._call(
                "DELETE",
                _path(info, message.namespace),
                query=query,
                body=_options_body(message.options),
            )
            return ObjectList(items=(), resource_version="")
        raise ActorError(f"{self!r} cannot send {type(message).__name__} over HTTP")

    async def _list(self, message: List) -> ObjectList:
        info = kind_info(message.kind)
        query = _list_query(message)
        if message.resource_version:
            query["resourceVersion"] = message.resource_version
        if message.resource_version_match:
            query["resourceVersionMatch"] = message.resource_version_match
        if message.limit:
            query["limit"] = str(message.limit)
        if message.continue_token:
            query["continue"] = message.continue_token
        body = await self._call("GET", _path(info, message.namespace), query=query)
        metadata = body.get("metadata") or {}
        return ObjectList(
            items=tuple(_item(info, item) for item in body.get("items") or ()),
            resource_version=str(metadata.get("resourceVersion", "")),
            continue_token=str(metadata.get("continue", "") or ""),
            remaining_item_count=metadata.get("remainingItemCount"),
        )

    async def _watch(self, message: Watch) -> HttpWatchStream:
        info = kind_info(message.kind)
        query = _list_query(message)
        query["watch"] = "true"
        query["timeoutSeconds"] = str(random.randint(*_WATCH_SECONDS))
        if message.resource_version:
            query["resourceVersion"] = message.resource_version
        if message.allow_bookmarks:
            query["allowWatchBookmarks"] = "true"
        url = self.config.server + _path(info, message.namespace)
        try:
            response = await self._open().get(url, params=query)
        except _UNREACHABLE as error:
            raise ServiceUnavailable(
                f"the server is currently unable to handle the request ({self.name}: {error})"
            ) from error
        if response.status >= 400:
            try:
                payload = await response.json(content_type=None)
            except ValueError:
                payload = None
            finally:
                response.close()
            raise error_of_status(payload, response.status)
        return HttpWatchStream(response, info)

    async def _create(self, message: Create) -> Any:
        obj = message.obj
        meta = obj.metadata
        query = _write_query(message.dry_run, message.field_manager)
        if isinstance(obj, Binding | Eviction):
            # Subresources of the Pod they name; both answer a Status.
            sub = "binding" if isinstance(obj, Binding) else "eviction"
            path = _path(kind_info(Pod), meta.namespace, meta.name, sub)
            await self._call("POST", path, query=query, body=to_dict(obj))
            return obj
        if isinstance(obj, TokenRequest):
            # The serviceaccounts/token subresource: answers the request with its token.
            path = _path(kind_info(ServiceAccount), meta.namespace, meta.name, "token")
            answer = await self._call("POST", path, query=query, body=to_dict(obj))
            fields = {k: v for k, v in answer.items() if k not in ("apiVersion", "kind")}
            return structure(fields, TokenRequest)
        info = kind_info(type(obj))
        body = await self._call("POST", _path(info, meta.namespace), query=query, body=to_dict(obj))
        return from_dict(body)

    async def _patch(self, message: Patch) -> Any:
        info = kind_info(message.kind)
        path = _path(info, message.namespace, message.name, message.subresource)
        query = _write_query(message.dry_run, message.field_manager, message.force)
        body = await self._call(
            "PATCH",
            path,
            query=query,
            body=message.patch,
            content_type=_PATCH_CONTENT_TYPES[message.patch_type],
        )
        return from_dict(body)
