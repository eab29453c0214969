"""The resource model: Kubernetes' kinds as frozen attrs classes, with no actors and no I/O."""
