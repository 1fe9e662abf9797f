"""Where the current action comes from (client IP address, or the command line)."""

from contextvars import ContextVar

current_source: ContextVar[str] = ContextVar("current_source", default="cli")
