"""The kubelet actor: pod workers, restarts and back-off, probes, status, heartbeats."""
