"""The controller contract: Request, Result, Reconciler, the work queue and the runner."""
