"""What the fields of a pod's scheduling constraints (affinity, taints, topology spread) and of
PriorityClass mean (see _descriptions); the wording is ours.
"""

from __future__ import annotations

__all__ = ["DESCRIPTIONS"]

DESCRIPTIONS: dict[str, dict[str, str]] = {
    "Affinity": {
        "": "Affinity groups the pod's scheduling constraints relative to nodes and to other pods.",
        "nodeAffinity": "Which nodes the pod may be scheduled onto, or prefers, by their labels.",
        "podAffinity": "Pods this pod should be placed with (on the same node, zone...).",
        "podAntiAffinity": "Pods this pod should be kept away from (on another node, zone...).",
    },
    "NodeAffinity": {
        "": "NodeAffinity is a group of node affinity scheduling rules.",
        "requiredDuringSchedulingIgnoredDuringExecution": "The pod is not scheduled onto a node "
        "that does not meet these requirements. A node that stops meeting them after the pod was "
        "scheduled does not evict it.",
        "preferredDuringSchedulingIgnoredDuringExecution": "The scheduler prefers nodes that "
        "meet these terms, but may choose one that does not: for each node it sums the weights of "
        "the terms the node matches, and the nodes with the highest sums are preferred.",
    },
    "NodeSelector": {
        "": "A node selector is a union of node selector terms: a node matches if any term "
        "matches it.",
        "nodeSelectorTerms": "The terms, ORed. Required.",
    },
    "NodeSelectorTerm": {
        "": "A node selector term matches a node when all of its requirements do (they are "
        "ANDed). A null or empty term matches no node.",
        "matchExpressions": "Requirements on the node's labels.",
        "matchFields": "Requirements on the node's fields.",
    },
    "NodeSelectorRequirement": {
        "": "A node selector requirement relates a key to a set of values with an operator.",
        "key": "The label key (or field name) the requirement applies to.",
        "operator": "How the key relates to the values: In, NotIn, Exists, DoesNotExist, Gt or Lt.",
        "values": "The values. With In or NotIn it must not be empty; with Exists or "
        "DoesNotExist it must be empty; with Gt or Lt it holds one integer.",
    },
    "PreferredSchedulingTerm": {
        "": "A preferred scheduling term: a node that matches it gets its weight added to its "
        "score.",
        "weight": "The weight of matching this term, between 1 and 100.",
        "preference": "The node selector term to match.",
    },
    "PodAffinity": {
        "": "PodAffinity is a group of inter-pod affinity scheduling rules.",
        "requiredDuringSchedulingIgnoredDuringExecution": "The pod is not scheduled onto a node "
        "where these terms are not met. Pods that stop meeting them later are not evicted. With "
        "several terms, every one must be met.",
        "preferredDuringSchedulingIgnoredDuringExecution": "The scheduler prefers nodes where "
        "these terms are met, but may choose one where they are not: for each node it sums the "
        "weights of the terms met there, and the nodes with the highest sums are preferred.",
    },
    "PodAntiAffinity": {
        "": "PodAntiAffinity is a group of inter-pod anti-affinity scheduling rules.",
        "requiredDuringSchedulingIgnoredDuringExecution": "The pod is not scheduled onto a node "
        "where these terms are not met (where a matching pod already runs in the same topology). "
        "Pods that stop meeting them later are not evicted. With several terms, every one must be "
        "met.",
        "preferredDuringSchedulingIgnoredDuringExecution": "The scheduler prefers nodes where "
        "these anti-affinity terms are met, but may choose one where they are not: for each node "
        "it sums the weights of the terms met there, and the nodes with the highest sums are "
        "preferred.",
    },
    "PodAffinityTerm": {
        "": "A pod affinity term picks a set of pods (by labels, in some namespaces); the pod is "
        "placed (affinity) or not placed (anti-affinity) in the same topology domain as any of "
        "them, a domain being the nodes whose label topologyKey has the same value.",
        "labelSelector": "Which pods the term refers to. Null means none.",
        "namespaces": "The namespaces the labelSelector applies to, added to those "
        "namespaceSelector picks. Empty with a null namespaceSelector means the pod's own "
        "namespace.",
        "topologyKey": "The node label whose value defines a topology domain; must not be empty.",
        "namespaceSelector": "A label query over namespaces: the term applies to the pods of the "
        "namespaces it picks, and of those listed in namespaces. An empty selector ({}) matches "
        "every namespace.",
    },
    "WeightedPodAffinityTerm": {
        "": "A pod affinity term with a weight: the weights of the terms a node meets are summed "
        "to find the preferred nodes.",
        "weight": "The weight of meeting this term, between 1 and 100.",
        "podAffinityTerm": "The pod affinity term.",
    },
    "Taint": {
        "": "A taint on a node repels the pods that do not tolerate it.",
        "key": "The taint's key. Required.",
        "value": "The taint's value.",
        "effect": "What happens to pods that do not tolerate the taint: NoSchedule, "
        "PreferNoSchedule or NoExecute.",
        "timeAdded": "When the taint was added; set for NoExecute taints only.",
    },
    "TopologySpreadConstraint": {
        "": "TopologySpreadConstraint says how to spread matching pods across a topology (zones, "
        "nodes...).",
        "maxSkew": "How unevenly the matching pods may be spread: the most the number of them in "
        "a domain may exceed the smallest number in any eligible domain. At least 1. With "
        "DoNotSchedule, the pod is only placed where the skew stays within it; with "
        "ScheduleAnyway, domains that lower the skew are preferred.",
        "topologyKey": "The node label whose value defines a domain: nodes with the same value "
        "are in the same domain. Nodes without the label are not counted. Required.",
        "whenUnsatisfiable": "What to do with a pod that fits nowhere within maxSkew: "
        "DoNotSchedule (the default: leave it pending) or ScheduleAnyway (schedule it, preferring "
        "the domains that lower the skew).",
        "labelSelector": "Which pods are counted in each domain.",
        "minDomains": "The least number of eligible domains. While there are fewer eligible "
        "domains than this, the global minimum is taken as 0, so the skew is computed as if the "
        "missing domains existed, empty. Only with DoNotSchedule; at least 1.",
        "nodeAffinityPolicy": "Whether the pod's nodeAffinity and nodeSelector decide which "
        "nodes count in the skew: Honor (the default: only nodes that match them) or Ignore "
        "(every node).",
        "nodeTaintsPolicy": "Whether node taints decide which nodes count in the skew: Honor "
        "(only nodes the pod tolerates, and untainted ones) or Ignore (the default: every node).",
        "matchLabelKeys": "Label keys whose values are taken from the incoming pod and ANDed "
        "with labelSelector, so that only pods with the same values (the same revision, say) are "
        "counted. The keys must not also be in labelSelector.",
    },
    "PriorityClass": {
        "": "PriorityClass maps a priority class name to the integer priority pods of that class "
        "get. The higher the value, the higher the priority.",
        "value": "The priority pods of this class get. At most 1,000,000,000; higher values are "
        "reserved for system-critical pods.",
        "globalDefault": "Whether this class is the default for pods that name none. Only one "
        "class may be the global default; without one, such pods get priority 0.",
        "description": "A free-form text saying when this class should be used.",
        "preemptionPolicy": "Whether pods of this class may preempt lower-priority pods: "
        "PreemptLowerPriority (the default) or Never.",
    },
}
