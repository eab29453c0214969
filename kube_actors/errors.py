"""The one error tree of kube_actors.

Every error the framework raises on purpose is a ``KubeActorsError``::

    KubeActorsError
    ├── ApiError                 a Kubernetes API status: code, reason, kind, name, causes
    │   ├── BadRequest           400  BadRequest
    │   ├── Unauthorized         401  Unauthorized (no or a wrong bearer token over HTTP)
    │   ├── Forbidden            403  Forbidden
    │   ├── NotFound             404  NotFound
    │   ├── MethodNotSupported   405  MethodNotAllowed
    │   ├── NotAcceptable        406  NotAcceptable (no response encoding the client accepts)
    │   ├── AlreadyExists        409  AlreadyExists
    │   ├── Conflict             409  Conflict
    │   ├── Gone                 410  Gone / Expired
    │   ├── RequestEntityTooLarge 413 RequestEntityTooLarge (beyond etcd's 1.5 MiB)
    │   ├── UnsupportedMediaType 415  UnsupportedMediaType (a body type the API cannot read)
    │   ├── Invalid              422  Invalid, with one FieldCause per bad field
    │   ├── TooManyRequests      429  TooManyRequests
    │   ├── ServiceUnavailable   503  ServiceUnavailable (the apiserver cannot be reached)
    │   └── Timeout              504  Timeout (a resourceVersion the cache did not reach in time)
    ├── ConfigError              a kubeconfig or in-cluster configuration that cannot be used
    ├── StoreError               the etcd store said no
    │   ├── Compacted            the revision asked for was compacted away
    │   ├── FutureRevision       the revision asked for has not happened yet
    │   ├── LeaseNotFound        no lease with that id (never granted, revoked or expired)
    │   ├── ServiceRangeMismatch the store's Service range is not the one a control plane was given
    │   ├── StoreUnavailable     a real etcd could not be reached (503 from the apiserver)
    │   └── WatchLagged          a watcher fell too far behind and was closed: re-watch or re-list
    ├── ContainerRuntimeError    the container runtime could not do what was asked
    │   ├── ImagePullError       the image cannot be pulled (ErrImagePull, then ImagePullBackOff)
    │   ├── SandboxNotFound      no pod sandbox with that id
    │   └── ContainerNotFound    no container with that id (or no such previous instance)
    └── ActorError               the actor runtime
        ├── ActorStopped         the actor stopped before it handled the message
        ├── AskTimeout           no reply within the ask's timeout
        ├── MailboxFull          ``tell_nowait`` on a full mailbox
        ├── ActorNotFound        no actor registered under that name
        ├── ActorNameTaken       an actor is already registered under that name
        ├── ActorEscalated       a failure escalated past the root of the supervision tree
        ├── ComponentFailed      a component's task (a node's runtime...) failed; the cause chained
        ├── ActorCrashed         a crash injected by ``ActorRef.crash`` (fault injection)
        └── SettleTimeout        the system did not become quiet within the budget

Errors are values a caller can inspect: an ``Invalid`` lists every field that was wrong,
so a caller can fix them all at once, as ``kubectl`` reports them.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import attrs

__all__ = [
    "ActorCrashed",
    "ActorError",
    "ActorEscalated",
    "ActorNameTaken",
    "ActorNotFound",
    "ActorStopped",
    "AlreadyExists",
    "ApiError",
    "AskTimeout",
    "BadRequest",
    "Compacted",
    "ComponentFailed",
    "ConfigError",
    "Conflict",
    "ContainerNotFound",
    "ContainerRuntimeError",
    "FieldCause",
    "Forbidden",
    "FutureRevision",
    "Gone",
    "ImagePullError",
    "Invalid",
    "KubeActorsError",
    "LeaseNotFound",
    "MailboxFull",
    "MethodNotSupported",
    "NotAcceptable",
    "NotFound",
    "RequestEntityTooLarge",
    "SandboxNotFound",
    "ServiceRangeMismatch",
    "ServiceUnavailable",
    "SettleTimeout",
    "StoreError",
    "StoreUnavailable",
    "Timeout",
    "TooManyRequests",
    "Unauthorized",
    "UnsupportedMediaType",
    "WatchLagged",
]


class KubeActorsError(Exception):
    """The root of every error kube_actors raises on purpose."""


# --------------------------------------------------------------------------- API errors


@attrs.frozen(kw_only=True)
class FieldCause:
    """One reason an object was refused, tied to the field at fault.

    ``type`` follows Kubernetes' ``CauseType`` values (``FieldValueRequired``,
    ``FieldValueInvalid``, ``FieldValueNotSupported``, ``FieldValueDuplicate``,
    ``FieldValueForbidden``, ``FieldValueTooLong``, ``FieldValueTypeInvalid``,
    ``UnknownField``...).
    """

    field: str
    message: str
    type: str = "FieldValueInvalid"

    def __str__(self) -> str:
        return f"{self.field}: {self.message}"


class ApiError(KubeActorsError):
    """An error as the Kubernetes API reports it (a ``metav1.Status`` with ``Failure``)."""

    code: int = 500
    reason: str = "InternalError"

    def __init__(
        self,
        message: str,
        *,
        kind: str = "",
        name: str = "",
        group: str = "",
        causes: Iterable[FieldCause] = (),
        retry_after_seconds: int = 0,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.kind = kind
        self.name = name
        self.group = group
        self.causes: tuple[FieldCause, ...] = tuple(causes)
        #: ``details.retryAfterSeconds``: when the client may try again (0: not said).
        self.retry_after_seconds = retry_after_seconds

    def __str__(self) -> str:
        return self.message

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.message!r})"


def _qualified(resource: str, group: str) -> str:
    """A resource as Kubernetes' messages name it: ``pods``, ``deployments.apps``."""
    return f"{resource}.{group}" if group else resource


class BadRequest(ApiError):
    code = 400
    reason = "BadRequest"


class Unauthorized(ApiError):
    code = 401
    reason = "Unauthorized"


class Forbidden(ApiError):
    code = 403
    reason = "Forbidden"

    @classmethod
    def for_object(cls, resource: str, name: str, detail: str, *, group: str = "") -> Forbidden:
        """Kubernetes' wording: ``pods "web" is forbidden: <detail>``, ``pods is forbidden:
        <detail>`` without a name, ``forbidden: <detail>`` without a resource."""
        if not resource:
            message = f"forbidden: {detail}"
        elif not name:
            message = f"{_qualified(resource, group)} is forbidden: {detail}"
        else:
            message = f'{_qualified(resource, group)} "{name}" is forbidden: {detail}'
        return cls(message, kind=resource, name=name, group=group)


class NotFound(ApiError):
    code = 404
    reason = "NotFound"

    @classmethod
    def for_object(cls, resource: str, name: str, *, kind: str = "", group: str = "") -> NotFound:
        """Kubernetes' wording: ``deployments.apps "web" not found`` (``resource`` is the
        plural the kind registry knows)."""
        message = f'{_qualified(resource, group)} "{name}" not found'
        return cls(message, kind=kind, name=name, group=group)


class MethodNotSupported(ApiError):
    code = 405
    reason = "MethodNotAllowed"


class NotAcceptable(ApiError):
    """No encoding of the answer is one the request's ``Accept`` header allows."""

    code = 406
    reason = "NotAcceptable"


class AlreadyExists(ApiError):
    code = 409
    reason = "AlreadyExists"

    @classmethod
    def for_object(
        cls, resource: str, name: str, *, kind: str = "", group: str = ""
    ) -> AlreadyExists:
        """Kubernetes' wording: ``pods "web" already exists``."""
        message = f'{_qualified(resource, group)} "{name}" already exists'
        return cls(message, kind=kind, name=name, group=group)


class Conflict(ApiError):
    code = 409
    reason = "Conflict"


class Gone(ApiError):
    code = 410
    reason = "Expired"


class RequestEntityTooLarge(ApiError):
    """An object too large to store (etcd's request limit, 1.5 MiB encoded)."""

    code = 413
    reason = "RequestEntityTooLarge"


class UnsupportedMediaType(ApiError):
    code = 415
    reason = "UnsupportedMediaType"


class Invalid(ApiError):
    """An object that failed validation; ``causes`` holds every field at fault."""

    code = 422
    reason = "Invalid"

    @classmethod
    def for_object(
        cls, kind: str, name: str, causes: Sequence[FieldCause], *, group: str = ""
    ) -> Invalid:
        """Kubernetes' wording: ``Deployment.apps "web" is invalid: [spec.replicas: ...]``."""
        qualified = f"{kind}.{group}" if group else kind
        details = ", ".join(str(c) for c in causes)
        if len(causes) > 1:
            details = f"[{details}]"
        message = f'{qualified} "{name}" is invalid: {details}'
        return cls(message, kind=kind, name=name, group=group, causes=causes)


class TooManyRequests(ApiError):
    code = 429
    reason = "TooManyRequests"


class ServiceUnavailable(ApiError):
    """The apiserver could not be reached (a network partition between it and a node)."""

    code = 503
    reason = "ServiceUnavailable"


class Timeout(ApiError):
    """The request could not be served in time; ``retry_after_seconds`` says when to retry.

    ``too_large_resource_version`` is the one Kubernetes' watch cache gives a read asking for
    a resourceVersion it has not reached within its 3 seconds."""

    code = 504
    reason = "Timeout"

    @classmethod
    def too_large_resource_version(cls, wanted: int, current: int, retry: int = 1) -> Timeout:
        return cls(
            f"Timeout: Too large resource version: {wanted}, current: {current}",
            causes=[
                FieldCause(
                    field="", message="Too large resource version", type="ResourceVersionTooLarge"
                )
            ],
            retry_after_seconds=retry,
        )


class ConfigError(KubeActorsError):
    """A client configuration (a kubeconfig, the in-cluster environment) that cannot be
    used: a file or context missing, a field absent or malformed; the message names it."""


# ------------------------------------------------------------------------- store errors


class StoreError(KubeActorsError):
    """The etcd store refused a request."""


class StoreUnavailable(StoreError):
    """The store could not be reached (a real etcd down, partitioned, or without a leader):
    the request may be retried. The apiserver answers it with 503 ServiceUnavailable."""


class Compacted(StoreError):
    """The revision asked for is older than the store's compacted revision."""

    def __init__(self, revision: int, compact_revision: int) -> None:
        super().__init__(
            f"mvcc: required revision {revision} has been compacted "
            f"(compacted revision is {compact_revision})"
        )
        self.revision = revision
        self.compact_revision = compact_revision


class FutureRevision(StoreError):
    """The revision asked for is newer than the store's current revision."""

    def __init__(self, revision: int, current_revision: int) -> None:
        super().__init__(
            f"mvcc: required revision {revision} is a future revision "
            f"(current revision is {current_revision})"
        )
        self.revision = revision
        self.current_revision = current_revision


class LeaseNotFound(StoreError):
    """No lease with that id: never granted, revoked, or expired."""

    def __init__(self, lease: int) -> None:
        super().__init__(f"lease {lease} not found")
        self.lease = lease


class ServiceRangeMismatch(StoreError):
    """A control plane was given a Service range (``service_cidr``,
    ``--service-cluster-ip-range``) other than the one the cluster's store holds."""


class WatchLagged(StoreError):
    """A watcher fell more than ``max_lag`` events behind and was closed.

    Every event up to ``revision`` was delivered: watch again from ``revision + 1``, and if
    that raises ``Compacted``, list again (Kubernetes' "410 Gone, re-list").
    """

    def __init__(self, revision: int, max_lag: int) -> None:
        super().__init__(
            f"watcher fell more than {max_lag} events behind after revision {revision} and "
            f"was closed: watch again from revision {revision + 1} or list again"
        )
        self.revision = revision
        self.max_lag = max_lag


# ----------------------------------------------------------------------- runtime errors


class ContainerRuntimeError(KubeActorsError):
    """The container runtime could not do what was asked (CRI's gRPC errors)."""


class ImagePullError(ContainerRuntimeError):
    """The image cannot be pulled: the kubelet reports ``ErrImagePull``, then backs off
    with ``ImagePullBackOff``, as Kubernetes does."""

    def __init__(self, image: str, reason: str) -> None:
        super().__init__(f"failed to pull image {image!r}: {reason}")
        self.image = image
        self.reason = reason


class SandboxNotFound(ContainerRuntimeError, LookupError):
    """No pod sandbox with that id in this runtime (never run, or removed)."""

    def __init__(self, sandbox_id: str) -> None:
        super().__init__(f"pod sandbox {sandbox_id!r} not found")
        self.sandbox_id = sandbox_id


class ContainerNotFound(ContainerRuntimeError, LookupError):
    """No container with that id, or no instance of that name (``previous``) to read."""

    def __init__(self, container: str) -> None:
        super().__init__(f"container {container} not found")
        self.container = container


# ------------------------------------------------------------------------- actor errors


class ActorError(KubeActorsError):
    """The actor runtime could not do what was asked."""


class ActorStopped(ActorError):
    """The actor stopped before it handled the message."""

    def __init__(self, actor: str, message: object = None) -> None:
        what = f" before handling {type(message).__name__}" if message is not None else ""
        super().__init__(f"actor {actor!r} stopped{what}")
        self.actor = actor


class ActorCrashed(ActorError):
    """The failure ``ActorRef.crash`` injects: the actor fails as if a handler had raised."""

    def __init__(self, actor: str, reason: str = "injected") -> None:
        super().__init__(f"actor {actor!r} crashed: {reason}")
        self.actor = actor
        self.reason = reason


class AskTimeout(ActorError, TimeoutError):
    """No reply came within the ask's timeout."""

    def __init__(self, actor: str, message: object, timeout: float) -> None:
        super().__init__(
            f"actor {actor!r} did not answer {type(message).__name__} within {timeout} s"
        )
        self.actor = actor
        self.timeout = timeout


class MailboxFull(ActorError):
    """``tell_nowait`` found the mailbox full (``tell`` would have waited)."""

    def __init__(self, actor: str, capacity: int) -> None:
        super().__init__(f"mailbox of actor {actor!r} is full ({capacity} messages)")
        self.actor = actor
        self.capacity = capacity


class ActorNotFound(ActorError, LookupError):
    """No actor is registered under that name."""

    def __init__(self, name: str) -> None:
        super().__init__(f"no actor named {name!r}")
        self.name = name


class ActorNameTaken(ActorError):
    """An actor with that name is already running."""

    def __init__(self, name: str) -> None:
        super().__init__(f"an actor named {name!r} already exists")
        self.name = name


class ActorEscalated(ActorError):
    """An actor failed more often than its supervision allows, up to the root.

    The original failure is the ``__cause__``.
    """

    def __init__(self, actor: str, restarts: int, within: float) -> None:
        super().__init__(
            f"actor {actor!r} failed more than {restarts} times within {within} s "
            "and its failure reached the root of the supervision tree"
        )
        self.actor = actor


class ComponentFailed(ActorError):
    """A component that runs as a task rather than an actor (a node's container runtime,
    kube-proxy's data plane) failed, which stops the cluster. The failure is the
    ``__cause__``."""

    def __init__(self, component: str) -> None:
        super().__init__(f"component {component!r} failed and stopped the cluster")
        self.component = component


class SettleTimeout(ActorError, TimeoutError):
    """The system did not become quiet within the budget; names the actors still busy."""

    def __init__(self, budget: float, busy: Sequence[str]) -> None:
        names = ", ".join(busy) if busy else "(no actor: tasks outside the actors)"
        super().__init__(f"system did not settle within {budget} s; still busy: {names}")
        self.budget = budget
        self.busy = tuple(busy)
