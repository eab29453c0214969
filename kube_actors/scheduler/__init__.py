"""The scheduler actor: queue, node cache, the scheduling framework and its plugins."""
