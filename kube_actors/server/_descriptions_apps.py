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
        "progressDeadlineSeconds": "The maximum time in seconds for a deployment to make "
        "progress before it is considered failed. The controller keeps processing failed "
        "deployments, and a condition with a ProgressDeadlineExceeded reason is surfaced in the "
        "deployment status. Not considered while paused. Defaults to 600s.",
    },
    "DeploymentStrategy": {
        "": "DeploymentStrategy describes how to replace existing pods with new ones.",
        "type": 'Type of deployment. Can be "Recreate" or "RollingUpdate". Default is '
        "RollingUpdate."
        + _ENUM
        + ' - `"Recreate"` Kill all existing pods before creating new ones.\n'
        ' - `"RollingUpdate"` Replace the old ReplicaSets by the new one with a rolling '
        "update, that is scale the old ReplicaSets down gradually while scaling the new one up.",
        "rollingUpdate": "Rolling update config params. Present only if DeploymentStrategyType "
        "= RollingUpdate.",
    },
    "RollingUpdateDeployment": {
        "": "Spec to control the desired behavior of rolling update.",
        "maxUnavailable": "The maximum number of pods that can be unavailable during the "
        "update. Value can be an absolute number (ex: 5) or a percentage of desired pods (ex: "
        "10%). An absolute number is calculated from a percentage by rounding down. This can "
        "not be 0 if MaxSurge is 0. Defaults to 25%. Example: when this is set to 30%, the old "
        "ReplicaSet can be scaled down to 70% of desired pods immediately when the rolling "
        "update starts. Once new pods are ready, the old ReplicaSet can be scaled down further, "
        "followed by scaling up the new ReplicaSet, ensuring that the total number of pods "
        "available at all times during the update is at least 70% of desired pods.",
        "maxSurge": "The maximum number of pods that can be scheduled above the desired number "
        "of pods. Value can be an absolute number (ex: 5) or a percentage of desired pods (ex: "
        "10%). This can not be 0 if MaxUnavailable is 0. An absolute number is calculated from "
        "a percentage by rounding up. Defaults to 25%. Example: when this is set to 30%, the new "
        "ReplicaSet can be scaled up immediately when the rolling update starts, such that the "
        "total number of old and new pods do not exceed 130% of desired pods. Once old pods "
        "have been killed, the new ReplicaSet can be scaled up further, ensuring that total "
        "number of pods running at any time during the update is at most 130% of desired pods.",
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
        "collisionCount": "Count of hash collisions for the Deployment. The deployment "
        "controller uses it as a collision-avoidance mechanism when it needs to create the name "
        "for the newest ReplicaSet.",
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
