"""What the fields of RBAC's kinds and of the access and identity reviews mean (see _descriptions);
the wording is ours.
"""

from __future__ import annotations

__all__ = ["DESCRIPTIONS"]

DESCRIPTIONS: dict[str, dict[str, str]] = {
    "Role": {
        "": "Role is a namespaced, logical grouping of PolicyRules that a RoleBinding can grant "
        "as a unit.",
        "rules": "The rules of this role: what its subjects may do.",
    },
    "ClusterRole": {
        "": "ClusterRole is a cluster-wide, logical grouping of PolicyRules that a RoleBinding "
        "or ClusterRoleBinding can grant as a unit.",
        "rules": "The rules of this cluster role: what its subjects may do.",
        "aggregationRule": "How to build this role's rules from other cluster roles: the "
        "controller manager fills rules in, and overwrites direct changes to them.",
    },
    "RoleBinding": {
        "": "RoleBinding grants the permissions of a Role or ClusterRole to users, groups or "
        "service accounts within its namespace. It may refer to a Role in its namespace or to a "
        "ClusterRole in the global namespace.",
        "subjects": "Who the role is granted to.",
        "roleRef": "The Role in this namespace, or the ClusterRole, to grant. An error if it "
        "cannot be found. Cannot be updated.",
    },
    "ClusterRoleBinding": {
        "": "ClusterRoleBinding grants the permissions of a ClusterRole, across the cluster, to "
        "users, groups or service accounts.",
        "subjects": "Who the role is granted to.",
        "roleRef": "The ClusterRole to grant. An error if it cannot be found. Cannot be updated.",
    },
    "PolicyRule": {
        "": "PolicyRule holds what a rule allows: verbs on resources (or on non-resource URLs). "
        "A request is allowed if some rule matches it.",
        "verbs": "The verbs the rule allows (get, list, watch, create, update, patch, delete, "
        "deletecollection...); '*' is every verb.",
        "apiGroups": "The API groups of the resources; '' is the core group, '*' every group. A "
        "request matches if its group is listed.",
        "resources": "The resources the rule applies to ('*' is every resource; 'pods/log' a "
        "subresource, '*/scale' that subresource of every resource).",
        "resourceNames": "An optional list of object names the rule is limited to. An empty list "
        "means every object.",
        "nonResourceURLs": "Partial URLs (such as /healthz, or /api/* with a final '*') a user "
        "may request. Only in cluster roles granted by cluster role bindings; a rule has either "
        "resources or non-resource URLs, not both.",
    },
    "AggregationRule": {
        "": "AggregationRule says which cluster roles to combine into one.",
        "clusterRoleSelectors": "Label selectors over cluster roles: the rules of every role "
        "they match are joined into this role's. Several selectors are ORed.",
    },
    "RoleRef": {
        "": "RoleRef names the role a binding grants.",
        "apiGroup": "The group of the referent: rbac.authorization.k8s.io.",
        "kind": "The kind of the referent: Role or ClusterRole.",
        "name": "The name of the referent.",
    },
    "Subject": {
        "": "Subject names who a binding grants a role to: a user, a group or a service account.",
        "kind": "The kind of the subject: User, Group or ServiceAccount. Another value is an "
        "error for the authorizer.",
        "apiGroup": 'The group of the subject: "" for ServiceAccount, '
        "rbac.authorization.k8s.io for User and Group.",
        "name": "The name of the subject.",
        "namespace": "The namespace of a ServiceAccount subject; must be empty for a User or "
        "Group.",
    },
    "SubjectAccessReview": {
        "": "SubjectAccessReview asks whether a user or group can perform an action.",
        "spec": "The request to check.",
        "status": "Whether the request is allowed. Populated by the server.",
    },
    "SubjectAccessReviewSpec": {
        "": "SubjectAccessReviewSpec is a description of the access request: exactly one of "
        "resourceAttributes and nonResourceAttributes is set.",
        "resourceAttributes": "The request for a resource.",
        "nonResourceAttributes": "The request for a non-resource path.",
        "user": "The user to test. If only user is given, groups are not looked up.",
        "groups": "The groups to test.",
        "extra": "More information about the user, as the authenticator gives it; the authorizer "
        "may use it, so a review carries it too.",
        "uid": "Information about the requesting user.",
    },
    "SubjectAccessReviewStatus": {
        "": "SubjectAccessReviewStatus is the answer to an access review.",
        "allowed": "Whether the action is allowed. Required.",
        "denied": "Whether the action is explicitly denied (so no other authorizer may allow "
        "it). allowed and denied both false means no opinion.",
        "reason": "Why the request was allowed or denied, if said.",
        "evaluationError": "An error met while checking the request. The authorizer may still "
        "have decided (with an incomplete set of rules, say).",
    },
    "SelfSubjectAccessReview": {
        "": "SelfSubjectAccessReview asks whether the current user can perform an action. Its "
        "spec is checked as a SubjectAccessReview for the requesting user.",
        "spec": "The request to check; exactly one of its attributes is set.",
        "status": "Whether the request is allowed. Populated by the server.",
    },
    "SelfSubjectAccessReviewSpec": {
        "": "SelfSubjectAccessReviewSpec is a description of the access request: exactly one of "
        "resourceAttributes and nonResourceAttributes is set.",
        "resourceAttributes": "The request for a resource.",
        "nonResourceAttributes": "The request for a non-resource path.",
    },
    "ResourceAttributes": {
        "": "ResourceAttributes are the attributes a resource request is authorized on.",
        "namespace": 'The namespace of the action; "" means every namespace for namespaced '
        "actions and none for cluster-scoped ones.",
        "verb": "A Kubernetes resource API verb (get, list, watch, create, update, delete, "
        "proxy), or '*' for every one.",
        "group": "The API group of the resource, or '*' for every one.",
        "version": "The API version of the resource, or '*' for every one.",
        "resource": "One of the existing resource types, or '*' for every one.",
        "subresource": 'One of the existing subresources, or "" for none.',
        "name": 'The name of the resource acted on (get, update, delete), or "" for every one.',
    },
    "NonResourceAttributes": {
        "": "NonResourceAttributes are the attributes a non-resource request is authorized on.",
        "path": "The URL path of the request.",
        "verb": "The standard HTTP verb, lower case.",
    },
    "SelfSubjectRulesReview": {
        "": "SelfSubjectRulesReview lists the actions the current user can perform in a "
        "namespace. The list depends on the authorizer: it may be incomplete, and is not meant to "
        "decide access (use SelfSubjectAccessReview for that), but to show it, in a user "
        "interface for example.",
        "spec": "The namespace to list the rules of.",
        "status": "The rules, as the authorizer could find them. Populated by the server.",
    },
    "SelfSubjectRulesReviewSpec": {
        "": "SelfSubjectRulesReviewSpec says which rules to list.",
        "namespace": "The namespace whose rules to list.",
    },
    "SubjectRulesReviewStatus": {
        "": "SubjectRulesReviewStatus holds what a user may do within a namespace, as far as the "
        "authorizer can tell: it may be incomplete.",
        "resourceRules": "The actions allowed on resources. Their order has no meaning; they may "
        "repeat.",
        "nonResourceRules": "The actions allowed on non-resource paths. Their order has no "
        "meaning; they may repeat.",
        "incomplete": "True when the rules are incomplete: the authorizer cannot enumerate every "
        "rule (a webhook authorizer, say).",
        "evaluationError": "An error met while listing the rules, alongside incomplete.",
    },
    "ResourceRule": {
        "": "ResourceRule lists the actions a subject may perform on resources; the order of its "
        "lists has no meaning and they may repeat.",
        "verbs": "The verbs allowed on the resources ('*' is every verb).",
        "apiGroups": "The API groups of the resources ('*' is every group).",
        "resources": "The resources the rule applies to ('*' is every resource, '*/foo' a "
        "subresource of every resource).",
        "resourceNames": "The object names the rule is limited to; empty means every object ('*' "
        "too).",
    },
    "NonResourceRule": {
        "": "NonResourceRule lists the actions a subject may perform on non-resource paths.",
        "verbs": "The HTTP verbs allowed ('*' is every verb).",
        "nonResourceURLs": "The partial URLs allowed; a final '*' matches any suffix.",
    },
    "LocalSubjectAccessReview": {
        "": "LocalSubjectAccessReview asks whether a user or group can perform an action in "
        "one namespace: the review's own, which its resourceAttributes must name. A namespace's "
        "administrators may ask it of their namespace.",
        "spec": "The user and the action to check; only resourceAttributes, in this namespace.",
        "status": "Whether the action is allowed. Populated by the server.",
    },
    "TokenReview": {
        "": "TokenReview asks the API server to authenticate a token: whose it is. A component "
        "that authenticates its own callers with the cluster's tokens asks it. Never stored.",
        "spec": "The token and the audiences to check it against.",
        "status": "Whether the token is valid, and its user. Populated by the server.",
    },
    "TokenReviewSpec": {
        "": "TokenReviewSpec is the token to authenticate.",
        "token": "The opaque bearer token.",
        "audiences": "The audiences the token must be valid for (at least one of them); "
        "empty means the API server's own audiences.",
    },
    "TokenReviewStatus": {
        "": "TokenReviewStatus is the result of authenticating the token.",
        "authenticated": "Whether the token is valid and belongs to a known user.",
        "user": "The user the token belongs to, when it authenticated.",
        "audiences": "The audiences asked for that the token is valid for; a receiver must "
        "check that its own is among them.",
        "error": "Why the token could not be checked, when the server knows.",
    },
    "SelfSubjectReview": {
        "": "SelfSubjectReview answers who the current user is: the attributes the API server "
        "authenticated the request with, after impersonation.",
        "status": "The user the request was authenticated as. Populated by the server.",
    },
    "SelfSubjectReviewStatus": {
        "": "SelfSubjectReviewStatus holds the user the request was authenticated as.",
        "userInfo": "The attributes of the user.",
    },
    "UserInfo": {
        "": "UserInfo holds the information about a user that an authenticator gives.",
        "username": "The name that uniquely identifies this user among all active users.",
        "uid": "A unique value that identifies this user across time: a user deleted and another "
        "added with the same name have different uids.",
        "groups": "The names of the groups the user is a member of.",
        "extra": "Any more information the authenticator gave.",
    },
    "TokenRequest": {
        "": "TokenRequest asks for a token of a service account. Created as the "
        "serviceaccounts/token subresource of the account; never stored.",
        "metadata": "The service account's name and namespace.",
        "spec": "What the token is for: its audiences, its lifetime, and the object it is bound "
        "to.",
        "status": "The token issued and when it expires.",
    },
    "TokenRequestSpec": {
        "": "TokenRequestSpec says what token is wanted.",
        "audiences": "The audiences the token is meant for; a receiver must check that it is "
        "one of them. Empty: the API server's own audiences.",
        "expirationSeconds": "How long the token is valid, in seconds; at least 600 (ten "
        "minutes), one hour when not set.",
        "boundObjectRef": "The object (a Pod or a Secret) the token is bound to: the token stops "
        "working when that object is deleted.",
    },
    "TokenRequestStatus": {
        "": "TokenRequestStatus holds the token issued.",
        "token": "The signed token (a JWT) to send as the bearer token.",
        "expirationTimestamp": "When the token stops being valid.",
    },
    "BoundObjectReference": {
        "": "BoundObjectReference names the object a token is bound to.",
        "kind": "The kind of the object: Pod or Secret.",
        "apiVersion": "The API version of the object's kind.",
        "name": "The name of the object.",
        "uid": "The uid of the object; a token is refused for another object of the same name.",
    },
}
