"""Kubernetes' own kinds that kube_actors does not serve, so that asking for one is not
mistaken for a typo.

Kubernetes answers a kind it does not know with ``no matches for kind "X" in version "Y"``;
that is right for a misspelt kind, and misleading for a CronJob, which every reader knows
exists. For the kinds listed here, the error says that the kind is Kubernetes' and not
modelled here, and where the list of what is modelled lives. A kind that a later version
serves is found by the registry first, so this list never hides a served kind.
"""

from __future__ import annotations

__all__ = ["FIDELITY_PAGE", "unserved_kind_message"]

#: Where the kinds kube_actors serves, and those it does not, are listed.
FIDELITY_PAGE = "docs/explanation/fidelity.md"

_UNSERVED: dict[str, frozenset[str]] = {
    "v1": frozenset(
        {
            "ReplicationController",
            "PodTemplate",
        }
    ),
    "autoscaling/v1": frozenset({"HorizontalPodAutoscaler"}),
    "networking.k8s.io/v1": frozenset({"NetworkPolicy"}),
    "storage.k8s.io/v1": frozenset({"CSIDriver", "VolumeAttachment"}),
    "admissionregistration.k8s.io/v1": frozenset(
        {"ValidatingWebhookConfiguration", "MutatingWebhookConfiguration"}
    ),
}


def unserved_kind_message(api_version: str, kind: str) -> str | None:
    """What to say of a kind no registered class serves: None when it is not one of
    Kubernetes' own kinds (then Kubernetes' "no matches for kind" is the right answer)."""
    if kind not in _UNSERVED.get(api_version, frozenset()):
        return None
    return (
        f'kind "{kind}" in version "{api_version}" is a Kubernetes kind that kube_actors does '
        f"not serve; {FIDELITY_PAGE} lists the kinds it models (a kind of your own can be "
        "added with kube_actors.api.register_kind)"
    )
