"""What the fields of HorizontalPodAutoscaler (autoscaling/v2) mean (see _descriptions); the
wording is ours.
"""

from __future__ import annotations

__all__ = ["DESCRIPTIONS"]

DESCRIPTIONS: dict[str, dict[str, str]] = {
    "HorizontalPodAutoscaler": {
        "": "HorizontalPodAutoscaler is the configuration of a horizontal pod autoscaler, which "
        "manages the replica count of any resource that has a scale subresource from the metrics "
        "given.",
        "spec": "What the autoscaler does. More info: "
        "https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#spec-and-status",
        "status": "The current information about the autoscaler. Populated by the system. "
        "Read-only.",
    },
    "HorizontalPodAutoscalerSpec": {
        "": "HorizontalPodAutoscalerSpec describes the desired functionality of the "
        "HorizontalPodAutoscaler.",
        "scaleTargetRef": "The resource to scale (one with a scale subresource): the autoscaler "
        "reads its pods' metrics and sets its replica count.",
        "minReplicas": "The lower limit of the replica count the autoscaler may set; 1 by "
        "default. 0 is allowed only with the alpha HPAScaleToZero feature gate and at least one "
        "Object or External metric; scaling stays active while at least one metric value is "
        "available.",
        "maxReplicas": "The upper limit of the replica count the autoscaler may set; may not be "
        "below minReplicas.",
        "metrics": "The metrics used to compute the desired replica count: a count is computed "
        "from each, and the largest is used. A resource metric (cpu, memory) may be a "
        "utilization, a percentage of the pods' requests. Unset: 80% average CPU utilization.",
        "behavior": "How the target scales up and down (scaleUp and scaleDown). Unset, the "
        "default behaviors are used.",
    },
    "HorizontalPodAutoscalerBehavior": {
        "": "HorizontalPodAutoscalerBehavior configures how the target scales up and down.",
        "scaleUp": "Rules for scaling up. Unset: the largest of doubling the replicas (100%) and "
        "adding 4 pods, every 15 seconds, with no stabilization window.",
        "scaleDown": "Rules for scaling down. Unset: any number of pods may be removed (down to "
        "minReplicas), using a 300-second stabilization window (the highest recommendation of the "
        "last 300 seconds is used).",
    },
    "HPAScalingRules": {
        "": "HPAScalingRules configures how the replica count changes in one direction: the "
        "policies that limit each change, and a stabilization window that keeps the count from "
        "flapping.",
        "stabilizationWindowSeconds": "How many seconds of past recommendations to consider: "
        "scaling up, the lowest of them is used; scaling down, the highest. Between 0 and 3600 "
        "(one hour). Unset: 0 for scale-up, 300 for scale-down (or the controller's "
        "--horizontal-pod-autoscaler-downscale-stabilization).",
        "selectPolicy": "Which policy's limit applies when there are several: Max (the default: "
        "the one that allows the largest change), Min (the smallest), or Disabled (no change in "
        "this direction).",
        "policies": "The policies that limit the change; at least one unless selectPolicy is "
        "Disabled.",
    },
    "HPAScalingPolicy": {
        "": "HPAScalingPolicy is one limit on how much the replica count may change within a "
        "period.",
        "type": "How value is read: Pods (a number of pods) or Percent (a percentage of the "
        "current count).",
        "value": "The amount of change allowed; more than 0.",
        "periodSeconds": "The window the policy holds over, in seconds: the change within any "
        "window of this length stays within value. More than 0, at most 1800 (30 minutes).",
    },
    "CrossVersionObjectReference": {
        "": "CrossVersionObjectReference names the object to scale, with enough to find it.",
        "kind": "The kind of the referent, such as Deployment.",
        "name": "The name of the referent, in the autoscaler's namespace.",
        "apiVersion": "The API version of the referent, such as apps/v1.",
    },
    "MetricSpec": {
        "": "MetricSpec is one metric to scale on, and its target; exactly one source matching "
        "type is set.",
        "type": "The type of the metric source: ContainerResource, External, Object, Pods or "
        "Resource; the matching field must be set.",
        "resource": "A resource metric (cpu, memory) of the pods, known to Kubernetes as it "
        "appears in requests and limits, averaged over the pods of the target.",
    },
    "MetricStatus": {
        "": "MetricStatus is the last read state of one metric.",
        "type": "The type of the metric source: ContainerResource, External, Object, Pods or "
        "Resource; the matching field is set.",
        "resource": "The current value of a resource metric of the pods, averaged over the pods "
        "of the target.",
    },
    "ResourceMetricSource": {
        "": "ResourceMetricSource is a resource metric (cpu, memory) known to Kubernetes as it "
        "appears in requests and limits, averaged across the pods of the target. Only one target "
        "type may be set.",
        "name": "The name of the resource: cpu or memory.",
        "target": "The target value of the metric.",
    },
    "ResourceMetricStatus": {
        "": "ResourceMetricStatus is the current value of a resource metric, as known to "
        "Kubernetes and averaged across the pods of the target.",
        "name": "The name of the resource: cpu or memory.",
        "current": "The current value of the metric.",
    },
    "MetricTarget": {
        "": "MetricTarget is the value a metric aims at: one of value, averageValue or "
        "averageUtilization, as type says.",
        "type": "Which target is set: Utilization, Value or AverageValue.",
        "value": "The target value of the metric, as a quantity.",
        "averageValue": "The target value of the metric averaged over all the pods, as a quantity.",
        "averageUtilization": "The target value of the resource metric averaged over all the "
        "pods, as a percentage of the pods' requests of that resource. Only for the Resource "
        "metric source type.",
    },
    "MetricValueStatus": {
        "": "MetricValueStatus is the current value of a metric.",
        "value": "The current value of the metric, as a quantity.",
        "averageValue": "The current value of the metric averaged over all the pods, as a "
        "quantity.",
        "averageUtilization": "The current value of the resource metric averaged over all the "
        "pods, as a percentage of the pods' requests of that resource.",
    },
    "HorizontalPodAutoscalerStatus": {
        "": "HorizontalPodAutoscalerStatus describes the current status of a horizontal pod "
        "autoscaler.",
        "observedGeneration": "The most recent generation the autoscaler has observed.",
        "lastScaleTime": "The last time the autoscaler changed the replica count, which it uses "
        "to limit how often it does.",
        "currentReplicas": "The current number of replicas of the pods the autoscaler manages, "
        "as it last saw them.",
        "desiredReplicas": "The number of replicas the autoscaler last computed it wants.",
        "currentMetrics": "The last read state of the metrics the autoscaler uses.",
        "conditions": "The conditions the autoscaler needs to scale its target, and whether they "
        "hold (AbleToScale, ScalingActive, ScalingLimited).",
    },
    "HorizontalPodAutoscalerCondition": {
        "": "HorizontalPodAutoscalerCondition describes the state of a HorizontalPodAutoscaler "
        "at a point in time.",
        "type": "The type of the condition: AbleToScale, ScalingActive or ScalingLimited.",
        "status": "The status of the condition: True, False or Unknown.",
        "lastTransitionTime": "The last time the condition went from one status to another.",
        "reason": "The reason for the condition's last transition.",
        "message": "A human-readable explanation with details of the transition.",
    },
}
