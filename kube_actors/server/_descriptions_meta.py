"""What meta/v1's shared types mean (see ``_descriptions``), and the one wording of a
condition's fields every kind with conditions reuses; the wording is ours."""

from __future__ import annotations

__all__ = ["DESCRIPTIONS", "condition"]


def condition(owner: str, types: str, *, probe_time: bool = False) -> dict[str, str]:
    """The fields of ``owner``'s conditions (``types``: the condition types it knows)."""
    fields = {
        "": f"{owner}Condition describes the state of a {owner} at a certain point.",
        "type": f"Type of {owner} condition: {types}.",
        "status": "Status of the condition, one of True, False, Unknown.",
        "lastTransitionTime": "Last time the condition went from one status to another.",
        "reason": "A one-word, CamelCase reason for the condition's last transition.",
        "message": "A human readable message with details about the transition.",
    }
    if probe_time:
        fields["lastProbeTime"] = "Last time the condition was checked."
    return fields


DESCRIPTIONS: dict[str, dict[str, str]] = {
    "Condition": {
        "": "Condition contains details for one aspect of the current state of an API resource.",
        "type": "The type of the condition, in CamelCase or as foo.example.com/CamelCase.",
        "status": "Status of the condition, one of True, False, Unknown.",
        "observedGeneration": "The .metadata.generation the condition was set from: if it is "
        "older than the object's current generation, the condition is out of date.",
        "lastTransitionTime": "The last time the condition went from one status to another, "
        "which is when the underlying state changed.",
        "reason": "A programmatic identifier, in CamelCase, for the reason of the last "
        "transition; producers define the values they use. It may not be empty.",
        "message": "A human readable message with details about the transition; it may be empty.",
    },
    "ManagedFieldsEntry": {
        "": "ManagedFieldsEntry is a workflow-id, a FieldSet and the group version of the "
        "resource that the fieldset applies to.",
        "manager": "The identifier of the workflow managing these fields.",
        "operation": "The type of operation that led to this entry being created: Apply or Update.",
        "apiVersion": "The version of the resource the fieldset applies to; the fields are "
        "tracked in this version's terms.",
        "time": "When the entry was last changed: when a field was added, when a value of "
        "a managed field changed, or when ownership changed, not at every write.",
        "fieldsType": 'The discriminator of the format of the fields: only "FieldsV1".',
        "fieldsV1": "The set of fields this manager manages, in the FieldsV1 format: a tree "
        "of f:<name>, k:<key> and v:<value> entries.",
        "subresource": "The name of the subresource the object was written through (such as "
        '"status"); empty for the main resource.',
    },
    "ObjectMeta": {
        "managedFields": "Which workflow manages which fields, for server-side apply. Kept "
        "up to date by the server; a user rarely needs to set or read it.",
    },
    "DeleteOptions": {
        "apiVersion": "APIVersion of this representation of the options.",
        "kind": "Kind of this representation of the options: DeleteOptions.",
        "dryRun": "When present, the deletion is not persisted. An invalid or unrecognized "
        "value is an error; the only valid value is All (process every stage of the request).",
        "gracePeriodSeconds": "The seconds before the object is deleted; a non-negative "
        "integer. Zero deletes at once; left out, the kind's default grace period applies.",
        "orphanDependents": "Deprecated, use propagationPolicy: whether the dependents are "
        "orphaned (true) or deleted by the garbage collector (false).",
        "preconditions": "Must be fulfilled before the deletion is carried out: the uid and "
        "resourceVersion the object must still have; otherwise the answer is a Conflict.",
        "propagationPolicy": "Whether and how garbage collection deletes the dependents: "
        "Orphan (leave them), Background (delete them in the background) or Foreground "
        "(delete them first, then the object). The default is set by the kind's finalizers "
        "or its own default.",
    },
    "Preconditions": {
        "": "Preconditions must be fulfilled before an operation (a deletion) is carried out.",
        "resourceVersion": "The resourceVersion the object must still have.",
        "uid": "The uid the object must still have: another object of the same name does not "
        "match.",
    },
    "Status": {
        "apiVersion": "APIVersion of this representation of the status: v1.",
        "kind": "Kind of this representation: Status.",
        "code": "The suggested HTTP return code for this status, 0 if not set.",
        "details": "Extended data tied to the reason (the name, group, kind of the object, "
        "its causes); each reason may define its own.",
        "message": "A human readable description of the status of this operation.",
        "metadata": "Standard list metadata.",
        "reason": "A machine readable description of why the operation is in the Failure "
        "status (NotFound, AlreadyExists, Conflict, Invalid...); empty means no information. "
        "Clients may use it for their own behaviour.",
        "status": 'The status of the operation: "Success" or "Failure".',
    },
    "StatusDetails": {
        "": "StatusDetails is a set of more data a server may give in a Status about a "
        "failure: the object it concerns and the causes. Clients must not assume any of it is "
        "set; each reason may define its own.",
        "causes": "The causes of the failure, each naming the field at fault when there is "
        "one. Unset when there is no more to say than the reason.",
        "group": "The group of the resource the status concerns.",
        "kind": "The kind of the resource the status concerns. A resource's kind may differ "
        "from the kind the request named.",
        "name": "The name of the resource the status concerns, when there is one.",
        "retryAfterSeconds": "How many seconds the client should wait before trying the "
        "operation again, when the operation may succeed later. Some errors say so when the "
        "server cannot tell how long.",
        "uid": "The uid of the resource the status concerns, when there is one.",
    },
    "StatusCause": {
        "": "StatusCause gives more about one cause of a StatusReason failure, so that the "
        "errors of several fields can be reported at once.",
        "field": "The field of the resource that caused the error, as a path in JSON form "
        '("spec.containers[0].image", "metadata.name"); may be unset when no single field '
        "is at fault.",
        "message": "A human readable description of the cause, suitable to show to a user.",
        "reason": "A machine readable description of the cause (FieldValueInvalid, "
        "FieldValueRequired...); empty means no information.",
    },
    "WatchEvent": {
        "type": "The type of the event: ADDED, MODIFIED, DELETED, BOOKMARK or ERROR.",
        "object": "The object the event is about: for ADDED and MODIFIED its new state, for "
        "DELETED its state just before deletion, for BOOKMARK only its resourceVersion, and "
        "for ERROR a Status saying what went wrong.",
    },
}
