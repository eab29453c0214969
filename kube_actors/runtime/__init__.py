"""The container runtime protocol and its fake and subprocess implementations."""
