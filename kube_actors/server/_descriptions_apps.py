"""What the fields of apps/v1's kinds mean (see ``_descriptions``); the wording is ours."""

from __future__ import annotations

__all__ = ["DESCRIPTIONS"]

_ENUM = "\n\nPossible enum values:\n"

DESCRIPTIONS: dict[str, dict[str, str]] = {
    "Deployment": {
        "": "Deployment enables declarative updates for Pods and ReplicaSets.",
        "metadata": "Standard object's metadata. More info: "
        "https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md"
        "#metadata",
        "spec": "Specification of the desired behavior of the Deployment.",
        "status": "Most recently observed status of the Deployment.",
    },
    "DeploymentSpec": {
        "": "DeploymentSpec is the specification of the desired behavior of the Deployment.",
        "replicas": "Number of desired pods. Distinguishes an explicit zero from unset; "
        "defaults to 1.",
        "selector": "Label selector for pods. Existing ReplicaSets whose pods are selected by "
        "it are the ones affected by this deployment. It must match the pod template's labels.",
        "template": "Template describes the pods that will be created. The only allowed "
        'template.spec.restartPolicy value is "Always".',
        "strategy": "The deployment strategy to use to replace existing pods with new ones.",
        "minReadySeconds": "Minimum number of seconds a newly created pod must be ready, "
        "without any of its containers crashing, to be considered available. Defaults to 0 "
        "(available as soon as ready).",
        "revisionHistoryLimit": "The number of old ReplicaSets to keep to allow rollback. A "
        "pointer, to tell an explicit zero from not specified. Defaults to 10.",
        "paused": "Indicates that the deployment is paused.",
        "progressDeadlineSeconds": "How many seconds a rollout may go without progress before "
        "the deployment counts as failed: its Progressing condition turns False with reason "
        "ProgressDeadlineExceeded, and the controller carries on with it all the same. Not "
        "counted while the deployment is paused. Defaults to 600.",
    },
    "DeploymentStrategy": {
        "": "DeploymentStrategy describes how to replace existing pods with new ones.",
        "type": 'Type of deployment. Can be "Recreate" or "RollingUpdate". Default is '
        "RollingUpdate."
        + _ENUM
        + ' - `"Recreate"` Remove every existing pod before creating the new ones.\n'
        ' - `"RollingUpdate"` Move from the old ReplicaSets to the new one step by step, '
        "shrinking the old ones while the new one grows.",
        "rollingUpdate": "Rolling update config params. Present only if DeploymentStrategyType "
        "= RollingUpdate.",
    },
    "RollingUpdateDeployment": {
        "": "Spec to control the desired behavior of rolling update.",
        "maxUnavailable": "How many of the desired pods may be unavailable while the update "
        "runs: a count (5) or a percentage of the desired pods (10%), a percentage rounded "
        "down. Defaults to 25%; cannot be 0 when maxSurge is 0. With 30%, for instance, the "
        "old ReplicaSet may shrink to 70% of the desired pods as soon as the update starts, "
        "and keeps shrinking as new pods become ready, so that at least 70% of the desired "
        "pods stay available throughout.",
        "maxSurge": "How many pods may exist above the desired number while the update runs: "
        "a count (5) or a percentage of the desired pods (10%), a percentage rounded up. "
        "Defaults to 25%; cannot be 0 when maxUnavailable is 0. With 30%, for instance, the new "
        "ReplicaSet may grow at once as long as old and new pods together stay within 130% of "
        "the desired pods, and grows further as old pods go away, never exceeding 130%.",
    },
    "DeploymentStatus": {
        "": "DeploymentStatus is the most recently observed status of the Deployment.",
        "observedGeneration": "The generation observed by the deployment controller.",
        "replicas": "Total number of non-terminating pods targeted by this deployment (their "
        "labels match the selector).",
        "updatedReplicas": "Total number of non-terminating pods targeted by this deployment "
        "that have the desired template spec.",
        "readyReplicas": "Total number of non-terminating pods targeted by this Deployment "
        "with a Ready Condition.",
        "availableReplicas": "Total number of available non-terminating pods (ready for at "
        "least minReadySeconds) targeted by this deployment.",
        "unavailableReplicas": "Total number of unavailable pods targeted by this deployment: "
        "the pods still needed for the deployment to have 100% available capacity.",
        "conditions": "Represents the latest available observations of a deployment's current "
        "state.",
        "collisionCount": "How often the template hash that names the newest ReplicaSet "
        "collided with an existing name; the controller mixes it into the hash to find a free "
        "name.",
    },
    "ReplicaSet": {
        "": "ReplicaSet ensures that a specified number of pod replicas are running at any "
        "given time.",
        "spec": "Spec defines the specification of the desired behavior of the ReplicaSet.",
        "status": "Status is the most recently observed status of the ReplicaSet. Populated "
        "by the system. Read-only.",
    },
    "ReplicaSetSpec": {
        "": "ReplicaSetSpec is the specification of a ReplicaSet.",
        "replicas": "Replicas is the number of desired pods. Distinguishes an explicit zero "
        "from unset; defaults to 1.",
        "minReadySeconds": "Minimum number of seconds a newly created pod must be ready, "
        "without any of its containers crashing, to be considered available. Defaults to 0.",
        "selector": "Selector is a label query over pods that should match the replica count. "
        "Its labels must match the pod template's.",
        "template": "Template is the object that describes the pod that will be created if "
        "insufficient replicas are detected.",
    },
    "ReplicaSetStatus": {
        "": "ReplicaSetStatus represents the current status of a ReplicaSet.",
        "replicas": "Replicas is the most recently observed number of non-terminating pods.",
        "fullyLabeledReplicas": "The number of non-terminating pods that have labels "
        "matching the labels of the pod template of the replicaset.",
        "readyReplicas": "The number of non-terminating pods targeted by this ReplicaSet "
        "with a Ready Condition.",
        "availableReplicas": "The number of available non-terminating pods (ready for at "
        "least minReadySeconds) for this replica set.",
        "observedGeneration": "ObservedGeneration reflects the generation of the most "
        "recently observed ReplicaSet.",
        "conditions": "Represents the latest available observations of a replica set's "
        "current state.",
    },
    "DeploymentCondition": {
        "": "DeploymentCondition describes the state of a deployment at a certain point.",
        "type": "Type of deployment condition (Available, Progressing, ReplicaFailure).",
        "status": "Status of the condition, one of True, False, Unknown.",
        "lastUpdateTime": "The last time this condition was updated.",
        "lastTransitionTime": "Last time the condition transitioned from one status to another.",
        "reason": "The reason for the condition's last transition.",
        "message": "A human readable message indicating details about the transition.",
    },
}
