"""What the fields of the workload kinds beyond Deployment mean (DaemonSet, StatefulSet,
ControllerRevision, Job, CronJob; see ``_descriptions``); the wording is ours."""

from __future__ import annotations

from ._descriptions_meta import condition

__all__ = ["DESCRIPTIONS"]

_TERMINATING = (
    "The number of pods of this {} that are terminating: a deletionTimestamp is set and "
    "their phase is neither Failed nor Succeeded. Left out unless its feature gate is on."
)
_HISTORY = (
    "The number of old history entries (ControllerRevisions) to keep, to allow rollback. "
    "Defaults to 10."
)
_COLLISIONS = (
    "How often the hash naming the newest ControllerRevision collided with an existing name; "
    "the controller mixes it into the hash to find a free name."
)
_MIN_READY = (
    "The minimum number of seconds a newly created pod must be ready, without any of its "
    "containers crashing, to be considered available. Defaults to 0 (available once ready)."
)

DESCRIPTIONS: dict[str, dict[str, str]] = {
    "DeploymentStatus": {"terminatingReplicas": _TERMINATING.format("deployment")},
    "ReplicaSetStatus": {"terminatingReplicas": _TERMINATING.format("replica set")},
    "ReplicaSetCondition": condition("ReplicaSet", "ReplicaFailure"),
    "DaemonSet": {
        "": "DaemonSet represents the configuration of a daemon set: a pod on "
        "every node that its selectors and tolerations allow."
    },
    "DaemonSetSpec": {
        "": "DaemonSetSpec is the specification of a daemon set.",
        "selector": "A label query over the pods the daemon set manages. It must match the "
        "pod template's labels.",
        "template": "The pod that runs on every eligible node, exactly one copy per node. "
        "Its restartPolicy must be Always.",
        "updateStrategy": "How existing daemon pods are replaced by new ones when the "
        "template changes.",
        "minReadySeconds": _MIN_READY,
        "revisionHistoryLimit": _HISTORY,
    },
    "DaemonSetUpdateStrategy": {
        "": "DaemonSetUpdateStrategy says how a daemon set replaces its pods.",
        "type": 'Type of daemon set update: "RollingUpdate" (the default) or "OnDelete" '
        "(new pods only where old ones were deleted by hand).",
        "rollingUpdate": "Rolling update parameters; present only with type RollingUpdate.",
    },
    "RollingUpdateDaemonSet": {
        "": "Spec to control the desired behavior of a daemon set rolling update.",
        "maxUnavailable": "How many nodes that should run a daemon pod may be without an "
        "available one during the update: a count or a percentage of those nodes (rounded "
        "up). Defaults to 1; cannot be 0 when maxSurge is 0.",
        "maxSurge": "How many nodes with an available daemon pod may run a second, updated "
        "one during the update, before the old is removed: a count or a percentage (rounded "
        "up). Defaults to 0; cannot be 0 when maxUnavailable is 0.",
    },
    "DaemonSetStatus": {
        "": "DaemonSetStatus represents the current status of a daemon set.",
        "currentNumberScheduled": "The number of nodes running at least one daemon pod that "
        "should run it.",
        "numberMisscheduled": "The number of nodes running the daemon pod that should not run it.",
        "desiredNumberScheduled": "The total number of nodes that should run the daemon pod, "
        "including those correctly running it.",
        "numberReady": "The number of nodes that should run the daemon pod and have one or "
        "more of them running with a Ready condition.",
        "observedGeneration": "The most recent generation the daemon set controller observed.",
        "updatedNumberScheduled": "The number of nodes running the updated daemon pod.",
        "numberAvailable": "The number of nodes that should run the daemon pod and have one "
        "or more of them running and available (ready for at least minReadySeconds).",
        "numberUnavailable": "The number of nodes that should run the daemon pod and have "
        "none of them running and available.",
        "collisionCount": _COLLISIONS,
        "conditions": "The latest available observations of the daemon set's current state.",
    },
    "DaemonSetCondition": condition("DaemonSet", "none are defined yet"),
    "StatefulSet": {
        "": "StatefulSet represents a set of pods with consistent identities: "
        "stable network names and stable storage, kept across rescheduling."
    },
    "StatefulSetSpec": {
        "": "A StatefulSetSpec is the specification of a StatefulSet.",
        "replicas": "The desired number of replicas of the pod template. Distinguishes an "
        "explicit zero from unset; defaults to 1.",
        "selector": "A label query over pods that should match the replica count. It must "
        "match the pod template's labels.",
        "template": "The object that describes the pod the StatefulSet creates. Each pod is "
        "named <statefulset name>-<ordinal> and gets its own claims from "
        "volumeClaimTemplates.",
        "volumeClaimTemplates": "Claims each pod may reference: every pod gets one claim per "
        "template, named <template name>-<pod name>, bound to the same volume across "
        "rescheduling. A template's name must match a volume of the pod template.",
        "serviceName": "The name of the service that governs this StatefulSet; it gives the "
        "pods their network identity: <pod>.<service>.<namespace>.svc.cluster.local.",
        "podManagementPolicy": "How pods are created at first scale-up, replaced on node "
        'failure, and removed at scale-down: "OrderedReady" (the default: one at a time, in '
        'ordinal order, each waiting for the previous to be ready) or "Parallel" (all at '
        "once).",
        "updateStrategy": "How the pods are updated when the template changes.",
        "revisionHistoryLimit": _HISTORY,
        "minReadySeconds": _MIN_READY,
    },
    "StatefulSetUpdateStrategy": {
        "": "StatefulSetUpdateStrategy says how the StatefulSet controller updates its pods.",
        "type": 'Type of StatefulSet update: "RollingUpdate" (the default: replace pods in '
        'reverse ordinal order) or "OnDelete" (new pods only where old ones were deleted).',
        "rollingUpdate": "Rolling update parameters; present only with type RollingUpdate.",
    },
    "RollingUpdateStatefulSetStrategy": {
        "": "RollingUpdateStatefulSetStrategy holds the parameters of a RollingUpdate.",
        "partition": "The ordinal at which the update starts: pods with a lower ordinal keep "
        "the old revision, even when deleted and recreated. Defaults to 0 (update all).",
        "maxUnavailable": "The most pods that may be unavailable during the update: a count "
        "or a percentage of the replicas (rounded up). Defaults to 1. Used only with its "
        "feature gate.",
    },
    "StatefulSetStatus": {
        "": "StatefulSetStatus represents the current state of a StatefulSet.",
        "observedGeneration": "The most recent generation the StatefulSet controller "
        "observed; it matches the object's generation once the change is acted on.",
        "replicas": "The number of pods the StatefulSet controller created.",
        "readyReplicas": "The number of pods of this StatefulSet with a Ready condition.",
        "currentReplicas": "The number of pods created from the currentRevision template.",
        "updatedReplicas": "The number of pods created from the updateRevision template.",
        "currentRevision": "The revision (a ControllerRevision name) of the pods with "
        "ordinals below the partition: the version before the update.",
        "updateRevision": "The revision (a ControllerRevision name) the update moves the pods to.",
        "collisionCount": _COLLISIONS,
        "conditions": "The latest available observations of the StatefulSet's current state.",
        "availableReplicas": "The number of pods of this StatefulSet that are available "
        "(ready for at least minReadySeconds).",
    },
    "StatefulSetCondition": condition("StatefulSet", "none are defined yet"),
    "ControllerRevision": {
        "": "ControllerRevision is an immutable snapshot of state data that DaemonSet and "
        "StatefulSet controllers keep to update and roll back their pods. Clients are "
        "responsible for serializing and deserializing the objects it holds.",
        "data": "The serialized state of this revision: for a DaemonSet or StatefulSet, a "
        "patch holding its pod template.",
        "revision": "The revision number of the state in data; higher is newer.",
    },
    "Job": {"": "Job represents the configuration of a single job: pods that run to completion."},
    "JobSpec": {
        "": "JobSpec describes how the job execution will look like.",
        "parallelism": "The most pods the job should run at any time. Fewer run when "
        "the remaining work is smaller than this. Defaults to 1; 0 pauses the job.",
        "completions": "How many pods must finish successfully for the job to succeed. "
        "Left out, any pod's success signals the success of all pods, and any positive "
        "parallelism works.",
        "activeDeadlineSeconds": "How long, counted from the job's start time, it may be "
        "active before the system tries to end it; a positive integer. The job then fails "
        "with reason DeadlineExceeded, and its running pods are ended.",
        "backoffLimit": "How many retries before the job counts as failed. Defaults to 6.",
        "selector": "A label query over pods that should match the pod count. Normally the "
        "system sets it; see manualSelector.",
        "manualSelector": "Lets the user set selector; the system generates it otherwise, "
        "from the job's unique uid. Most users should leave it unset.",
        "template": "The pod that runs the job's work. Its restartPolicy must be Never or "
        "OnFailure.",
        "ttlSecondsAfterFinished": "Seconds after the job finished (Complete or Failed) at "
        "which it may be deleted automatically, with its dependents. Left out, it is never "
        "deleted; 0 makes it eligible at once.",
        "completionMode": 'How pod completions are tracked: "NonIndexed" (the default: the '
        'job is complete after .spec.completions successes, all pods alike) or "Indexed" '
        "(each pod gets an index from 0 to completions-1 in its annotation and hostname; "
        "complete when every index has succeeded).",
        "suspend": "Whether the job controller should create pods: true suspends the job, "
        "ending its running pods; the active deadline timer restarts when it resumes. "
        "Defaults to false.",
        "podReplacementPolicy": 'When a replacement pod is created: "TerminatingOrFailed" '
        '(the default: as soon as a pod is terminating or has failed) or "Failed" (once '
        "a pod has fully terminated, phase Failed).",
    },
    "JobStatus": {
        "": "JobStatus represents the current state of a Job.",
        "conditions": "The latest available observations of the job's current state: "
        "Complete or Failed once it has finished, Suspended while suspended.",
        "startTime": "When the job controller started processing the job (or resumed it "
        "after a suspension), in RFC 3339 form, UTC.",
        "completionTime": "When the job completed, in RFC 3339 form, UTC; set only once it "
        "has succeeded.",
        "active": "The number of pending and running pods that are not terminating.",
        "succeeded": "The number of pods that reached phase Succeeded, counted once each "
        "(the count outlives the pods).",
        "failed": "The number of pods that failed: reached phase Failed, or were deleted "
        "before they succeeded; counted once each (the count outlives the pods).",
        "terminating": "The number of pods that are terminating (a deletionTimestamp and a "
        "phase other than Failed or Succeeded).",
        "ready": "The number of active pods with a Ready condition.",
        "completedIndexes": "The completed indexes of an Indexed job, as text: ranges such "
        'as "1,3-5,7".',
        "failedIndexes": "The failed indexes of an Indexed job with backoffLimitPerIndex, "
        "in the same text form as completedIndexes.",
        "uncountedTerminatedPods": "The UIDs of finished pods the job controller has "
        "counted but not yet added to succeeded or failed: it records them here, removes "
        "their batch.kubernetes.io/job-tracking finalizer, then moves them into the "
        "counters.",
    },
    "UncountedTerminatedPods": {
        "": "UncountedTerminatedPods holds the UIDs of pods that have finished but that the "
        "job controller has not yet accounted for in the job status counters.",
        "succeeded": "The UIDs of succeeded pods.",
        "failed": "The UIDs of failed pods.",
    },
    "JobCondition": condition(
        "Job", "Complete, Failed, Suspended, FailureTarget, SuccessCriteriaMet", probe_time=True
    ),
    "CronJob": {
        "": "CronJob represents the configuration of a single cron job: Jobs created on a schedule."
    },
    "CronJobSpec": {
        "": "CronJobSpec describes how the job execution will look like and when it will "
        "actually run.",
        "schedule": 'The schedule in Cron format (five fields, or a macro such as "@hourly").',
        "timeZone": "The time zone name for the schedule, from the tz database; left out, "
        "the controller's local time zone.",
        "startingDeadlineSeconds": "How late, in seconds, a job may start after its "
        "scheduled time; a missed run later than this counts as failed.",
        "concurrencyPolicy": "What to do with a run while the previous one is still active: "
        '"Allow" (the default: run both), "Forbid" (skip the new run) or "Replace" (end the '
        "running job, start the new one).",
        "suspend": "Tells the controller to suspend later runs; runs already started go on. "
        "Defaults to false.",
        "jobTemplate": "The job that is created at each scheduled time.",
        "successfulJobsHistoryLimit": "The number of successful finished jobs to keep. "
        "Defaults to 3.",
        "failedJobsHistoryLimit": "The number of failed finished jobs to keep. Defaults to 1.",
    },
    "CronJobStatus": {
        "": "CronJobStatus represents the current state of a cron job.",
        "active": "References to the jobs that are running.",
        "lastScheduleTime": "The last time a job was successfully scheduled.",
        "lastSuccessfulTime": "The last time a job completed successfully.",
    },
    "JobTemplateSpec": {
        "": "JobTemplateSpec describes the data a Job should have when created from a template.",
        "metadata": "Standard object's metadata of the jobs created from this template.",
        "spec": "Specification of the desired behavior of the job.",
    },
}
