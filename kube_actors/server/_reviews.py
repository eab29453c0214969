"""The review kinds, answered by the server from the requester, its authenticators and its
authorizer, never stored: SelfSubjectAccessReview (``kubectl auth can-i``),
SubjectAccessReview, LocalSubjectAccessReview (one namespace's), SelfSubjectRulesReview
(``kubectl auth can-i --list``), SelfSubjectReview (``kubectl auth whoami``), TokenReview
(whose is this token?)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Final

import attrs

from ..api import (
    LocalSubjectAccessReview,
    NonResourceAttributes,
    NonResourceRule,
    ResourceAttributes,
    ResourceRule,
    SelfSubjectAccessReview,
    SelfSubjectReview,
    SelfSubjectReviewStatus,
    SelfSubjectRulesReview,
    SubjectAccessReview,
    SubjectAccessReviewStatus,
    SubjectRulesReviewStatus,
    TokenReview,
    TokenReviewStatus,
)
from ..api import UserInfo as ApiUserInfo
from ..errors import BadRequest, FieldCause, Invalid
from ._authn import TokenAuthenticator, UserInfo, review_token
from ._authorizer import Authorizer
from ._request_info import RequestAttributes

__all__ = ["REVIEW_KINDS", "answer_review"]

REVIEW_KINDS: Final = (
    SelfSubjectAccessReview,
    SubjectAccessReview,
    LocalSubjectAccessReview,
    SelfSubjectRulesReview,
    SelfSubjectReview,
    TokenReview,
)


def _attributes(
    resource: ResourceAttributes | None, non_resource: NonResourceAttributes | None
) -> RequestAttributes:
    if resource is not None:
        return RequestAttributes(
            verb=resource.verb,
            api_group=resource.group,
            api_version=resource.version,
            namespace=resource.namespace,
            resource=resource.resource,
            subresource=resource.subresource,
            name=resource.name,
        )
    if non_resource is not None:
        return RequestAttributes(
            verb=non_resource.verb, resource_request=False, path=non_resource.path
        )
    raise BadRequest("spec: Invalid value: resourceAttributes or nonResourceAttributes required")


def _access(authorizer: Authorizer, user: UserInfo, attributes: RequestAttributes) -> Any:
    decision = authorizer.authorize(user, attributes)
    return SubjectAccessReviewStatus(allowed=decision.allowed, reason=decision.reason)


def _rules(authorizer: Authorizer, user: UserInfo, namespace: str) -> SubjectRulesReviewStatus:
    rules, errors = authorizer.rules_for(user, namespace)
    resource_rules = tuple(
        ResourceRule(
            verbs=r.verbs,
            api_groups=r.api_groups,
            resources=r.resources,
            resource_names=r.resource_names,
        )
        for r in rules
        if not r.non_resource_urls
    )
    non_resource_rules = tuple(
        NonResourceRule(verbs=r.verbs, non_resource_urls=r.non_resource_urls)
        for r in rules
        if r.non_resource_urls
    )
    return SubjectRulesReviewStatus(
        resource_rules=resource_rules,
        non_resource_rules=non_resource_rules,
        incomplete=bool(errors),
        evaluation_error="; ".join(errors),
    )


async def answer_review(
    review: Any,
    user: UserInfo,
    authorizer: Authorizer,
    authenticators: Sequence[TokenAuthenticator],
    *,
    namespace: str = "",
) -> Any:
    """``review`` with its status filled in, for the requester ``user`` (``namespace``: the
    one a LocalSubjectAccessReview was posted to)."""
    if isinstance(review, SelfSubjectAccessReview):
        spec = review.spec
        attributes = _attributes(spec.resource_attributes, spec.non_resource_attributes)
        return attrs.evolve(review, status=_access(authorizer, user, attributes))
    if isinstance(review, LocalSubjectAccessReview):
        review = _local(review, namespace)
    if isinstance(review, SubjectAccessReview | LocalSubjectAccessReview):
        asked = review.spec
        attributes = _attributes(asked.resource_attributes, asked.non_resource_attributes)
        subject = UserInfo(name=asked.user, uid=asked.uid, groups=asked.groups, extra=asked.extra)
        return attrs.evolve(review, status=_access(authorizer, subject, attributes))
    if isinstance(review, SelfSubjectRulesReview):
        status = _rules(authorizer, user, review.spec.namespace)
        return attrs.evolve(review, status=status)
    if isinstance(review, TokenReview):
        return attrs.evolve(review, status=await _token_status(review, authenticators))
    info = ApiUserInfo(username=user.name, uid=user.uid, groups=user.groups, extra=user.extra)
    return attrs.evolve(review, status=SelfSubjectReviewStatus(user_info=info))


def _local(review: LocalSubjectAccessReview, namespace: str) -> LocalSubjectAccessReview:
    """The review asked of ``namespace``: its resource attributes must be in it (filled in
    when they name none); Kubernetes' errors otherwise."""
    if not namespace:
        raise BadRequest("namespace is required on this type")
    spec = review.spec
    if spec.non_resource_attributes is not None:
        cause = FieldCause(
            field="spec.nonResourceAttributes",
            message="Invalid value: disallowed on this kind of request",
        )
        raise Invalid.for_object(
            "LocalSubjectAccessReview", "", [cause], group="authorization.k8s.io"
        )
    resource = spec.resource_attributes
    if resource is not None and resource.namespace not in ("", namespace):
        raise BadRequest(f"spec.resourceAttributes.namespace must match namespace: {namespace}")
    if resource is not None and not resource.namespace:
        spec = attrs.evolve(spec, resource_attributes=attrs.evolve(resource, namespace=namespace))
    return attrs.evolve(review, spec=spec)


async def _token_status(
    review: TokenReview, authenticators: Sequence[TokenAuthenticator]
) -> TokenReviewStatus:
    spec = review.spec
    if not spec.token:
        cause = FieldCause(field="spec.token", message="Required value", type="FieldValueRequired")
        raise Invalid.for_object("TokenReview", "", [cause], group="authentication.k8s.io")
    found = await review_token(authenticators, spec.token, spec.audiences)
    if found is None:
        # Kubernetes says no more about a token it does not know.
        return TokenReviewStatus(authenticated=False)
    user, audiences = found
    info = ApiUserInfo(username=user.name, uid=user.uid, groups=user.groups, extra=user.extra)
    return TokenReviewStatus(authenticated=True, user=info, audiences=audiences)
