"""``NO_CONTEXT``: the context the runtime's own loop callbacks run in.

asyncio copies the running context for each callback it is given without one
(``add_done_callback``, ``call_later``, ``call_at``): an object per ask with a timeout, per
armed timer, per actor task, kept until the callback runs (for an actor's task, its whole
life). The runtime's callbacks (ending a task, expiring an ask, firing timers, forwarding a
reply) read and set no context variable, so they all share this one empty context. asyncio
runs one callback at a time and never one inside another, so it is never entered twice.
"""

from __future__ import annotations

import contextvars

__all__ = ["NO_CONTEXT"]

NO_CONTEXT = contextvars.Context()
