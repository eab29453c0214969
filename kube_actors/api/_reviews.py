"""The review kinds: questions put to the server's authenticator and authorizer, answered in
the reply and never stored.

authorization.k8s.io/v1: ``SubjectAccessReview`` (may this user do this?),
``SelfSubjectAccessReview`` (may I?: ``kubectl auth can-i``), ``SelfSubjectRulesReview``
(what may I do in this namespace?: ``kubectl auth can-i --list``), ``LocalSubjectAccessReview``
(may this user do this in this namespace?, asked of a namespace: a namespace's admins may).
authentication.k8s.io/v1: ``SelfSubjectReview`` (who am I?: ``kubectl auth whoami``),
``TokenReview`` (whose is this token?: what a component that authenticates its own callers
against the API server asks, as kube-rbac-proxy or an aggregated API server do).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import ClassVar

import attrs

from ._base import EMPTY, freeze_map, freeze_seq, omitempty
from ._meta import ObjectMeta

__all__ = [
    "LocalSubjectAccessReview",
    "NonResourceAttributes",
    "NonResourceRule",
    "ResourceAttributes",
    "ResourceRule",
    "SelfSubjectAccessReview",
    "SelfSubjectAccessReviewSpec",
    "SelfSubjectReview",
    "SelfSubjectReviewStatus",
    "SelfSubjectRulesReview",
    "SelfSubjectRulesReviewSpec",
    "SubjectAccessReview",
    "SubjectAccessReviewSpec",
    "SubjectAccessReviewStatus",
    "SubjectRulesReviewStatus",
    "TokenReview",
    "TokenReviewSpec",
    "TokenReviewStatus",
    "UserInfo",
]


@attrs.frozen(kw_only=True)
class ResourceAttributes:
    """A request on a resource, as the authorizer sees it (``verb`` get, list, create...)."""

    namespace: str = ""
    verb: str = ""
    group: str = ""
    version: str = ""
    resource: str = ""
    subresource: str = ""
    name: str = ""


@attrs.frozen(kw_only=True)
class NonResourceAttributes:
    """A request on a path that names no resource (``/healthz``, ``/version``)."""

    path: str = ""
    verb: str = ""


@attrs.frozen(kw_only=True)
class SubjectAccessReviewStatus:
    """The answer: ``allowed``, or not (``denied`` when an authorizer said no outright)."""

    allowed: bool = False
    denied: bool = omitempty(False)
    reason: str = ""
    evaluation_error: str = ""


@attrs.frozen(kw_only=True)
class SubjectAccessReviewSpec:
    """One of the attributes, and the user (name, groups, extra, uid) to check them for."""

    resource_attributes: ResourceAttributes | None = None
    non_resource_attributes: NonResourceAttributes | None = None
    user: str = ""
    groups: tuple[str, ...] = attrs.field(default=(), converter=freeze_seq)
    extra: Mapping[str, tuple[str, ...]] = attrs.field(default=EMPTY, converter=freeze_map)
    uid: str = ""


@attrs.frozen(kw_only=True)
class SubjectAccessReview:
    """May the user of ``spec`` do what ``spec`` says? (``status`` answers.)"""

    api_version: ClassVar[str] = "authorization.k8s.io/v1"
    kind: ClassVar[str] = "SubjectAccessReview"

    metadata: ObjectMeta = attrs.field(default=ObjectMeta())
    spec: SubjectAccessReviewSpec = attrs.field(default=SubjectAccessReviewSpec())
    status: SubjectAccessReviewStatus = attrs.field(default=SubjectAccessReviewStatus())


@attrs.frozen(kw_only=True)
class LocalSubjectAccessReview:
    """May the user of ``spec`` do what ``spec`` says in this review's namespace? (Only
    resource attributes, in that namespace.)"""

    api_version: ClassVar[str] = "authorization.k8s.io/v1"
    kind: ClassVar[str] = "LocalSubjectAccessReview"

    metadata: ObjectMeta = attrs.field(default=ObjectMeta())
    spec: SubjectAccessReviewSpec = attrs.field(default=SubjectAccessReviewSpec())
    status: SubjectAccessReviewStatus = attrs.field(default=SubjectAccessReviewStatus())


@attrs.frozen(kw_only=True)
class SelfSubjectAccessReviewSpec:
    resource_attributes: ResourceAttributes | None = None
    non_resource_attributes: NonResourceAttributes | None = None


@attrs.frozen(kw_only=True)
class SelfSubjectAccessReview:
    """May I, the requester, do what ``spec`` says? (``kubectl auth can-i``.)"""

    api_version: ClassVar[str] = "authorization.k8s.io/v1"
    kind: ClassVar[str] = "SelfSubjectAccessReview"

    metadata: ObjectMeta = attrs.field(default=ObjectMeta())
    spec: SelfSubjectAccessReviewSpec = attrs.field(default=SelfSubjectAccessReviewSpec())
    status: SubjectAccessReviewStatus = attrs.field(default=SubjectAccessReviewStatus())


@attrs.frozen(kw_only=True)
class ResourceRule:
    verbs: tuple[str, ...] = attrs.field(default=(), converter=freeze_seq)
    api_groups: tuple[str, ...] = attrs.field(default=(), converter=freeze_seq)
    resources: tuple[str, ...] = attrs.field(default=(), converter=freeze_seq)
    resource_names: tuple[str, ...] = attrs.field(default=(), converter=freeze_seq)


@attrs.frozen(kw_only=True)
class NonResourceRule:
    verbs: tuple[str, ...] = attrs.field(default=(), converter=freeze_seq)
    non_resource_urls: tuple[str, ...] = attrs.field(
        default=(), converter=freeze_seq, metadata={"wire": "nonResourceURLs"}
    )


@attrs.frozen(kw_only=True)
class SelfSubjectRulesReviewSpec:
    namespace: str = ""


@attrs.frozen(kw_only=True)
class SubjectRulesReviewStatus:
    """What the requester may do: its rules, ``incomplete`` when some could not be read."""

    resource_rules: tuple[ResourceRule, ...] = attrs.field(default=(), converter=freeze_seq)
    non_resource_rules: tuple[NonResourceRule, ...] = attrs.field(default=(), converter=freeze_seq)
    incomplete: bool = False
    evaluation_error: str = ""


@attrs.frozen(kw_only=True)
class SelfSubjectRulesReview:
    """What may I do in ``spec.namespace``? (``kubectl auth can-i --list``.)"""

    api_version: ClassVar[str] = "authorization.k8s.io/v1"
    kind: ClassVar[str] = "SelfSubjectRulesReview"

    metadata: ObjectMeta = attrs.field(default=ObjectMeta())
    spec: SelfSubjectRulesReviewSpec = attrs.field(default=SelfSubjectRulesReviewSpec())
    status: SubjectRulesReviewStatus = attrs.field(default=SubjectRulesReviewStatus())


@attrs.frozen(kw_only=True)
class UserInfo:
    """authentication.k8s.io/v1 UserInfo: a user as the authenticator found it."""

    username: str = ""
    uid: str = ""
    groups: tuple[str, ...] = attrs.field(default=(), converter=freeze_seq)
    extra: Mapping[str, tuple[str, ...]] = attrs.field(default=EMPTY, converter=freeze_map)


@attrs.frozen(kw_only=True)
class SelfSubjectReviewStatus:
    user_info: UserInfo = attrs.field(default=UserInfo())


@attrs.frozen(kw_only=True)
class SelfSubjectReview:
    """Who am I? (``kubectl auth whoami``.)"""

    api_version: ClassVar[str] = "authentication.k8s.io/v1"
    kind: ClassVar[str] = "SelfSubjectReview"

    metadata: ObjectMeta = attrs.field(default=ObjectMeta())
    status: SelfSubjectReviewStatus = attrs.field(default=SelfSubjectReviewStatus())


@attrs.frozen(kw_only=True)
class TokenReviewSpec:
    """The token to authenticate, and the audiences it should be valid for (empty: the API
    server's own)."""

    token: str = ""
    audiences: tuple[str, ...] = attrs.field(default=(), converter=freeze_seq)


@attrs.frozen(kw_only=True)
class TokenReviewStatus:
    """Whether the token authenticated, as whom, for which of the audiences asked; ``error``
    says why not, when the server knows."""

    authenticated: bool = omitempty(False)
    user: UserInfo = attrs.field(default=UserInfo())
    audiences: tuple[str, ...] = attrs.field(default=(), converter=freeze_seq)
    error: str = ""


@attrs.frozen(kw_only=True)
class TokenReview:
    """Whose is ``spec.token``? (``status`` answers.)"""

    api_version: ClassVar[str] = "authentication.k8s.io/v1"
    kind: ClassVar[str] = "TokenReview"

    metadata: ObjectMeta = attrs.field(default=ObjectMeta())
    spec: TokenReviewSpec = attrs.field(default=TokenReviewSpec())
    status: TokenReviewStatus = attrs.field(default=TokenReviewStatus())
