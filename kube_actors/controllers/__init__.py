"""Kubernetes' built-in controllers, one module each."""
