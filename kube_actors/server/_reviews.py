"""The review kinds, answered by the server from the requester and the authorizer, never
stored: SelfSubjectAccessReview (``kubectl auth can-i``), SubjectAccessReview,
SelfSubjectRulesReview (``kubectl auth can-i --list``), SelfSubjectReview (``kubectl auth
whoami``)."""

from __future__ import annotations

from typing import Any, Final

import attrs

from ..api import (
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
)
from ..api import UserInfo as ApiUserInfo
from ..errors import BadRequest
from ._authn import UserInfo
from ._authorizer import Authorizer
from ._request_info import RequestAttributes

__all__ = ["REVIEW_KINDS", "answer_review"]

REVIEW_KINDS: Final = (
    SelfSubjectAccessReview,
    SubjectAccessReview,
    SelfSubjectRulesReview,
    SelfSubjectReview,
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


def answer_review(review: Any, user: UserInfo, authorizer: Authorizer) -> Any:
    """``review`` with its status filled in, for the requester ``user``."""
    if isinstance(review, SelfSubjectAccessReview):
        spec = review.spec
        attributes = _attributes(spec.resource_attributes, spec.non_resource_attributes)
        return attrs.evolve(review, status=_access(authorizer, user, attributes))
    if isinstance(review, SubjectAccessReview):
        asked = review.spec
        attributes = _attributes(asked.resource_attributes, asked.non_resource_attributes)
        subject = UserInfo(name=asked.user, uid=asked.uid, groups=asked.groups, extra=asked.extra)
        return attrs.evolve(review, status=_access(authorizer, subject, attributes))
    if isinstance(review, SelfSubjectRulesReview):
        status = _rules(authorizer, user, review.spec.namespace)
        return attrs.evolve(review, status=status)
    info = ApiUserInfo(username=user.name, uid=user.uid, groups=user.groups, extra=user.extra)
    return attrs.evolve(review, status=SelfSubjectReviewStatus(user_info=info))
