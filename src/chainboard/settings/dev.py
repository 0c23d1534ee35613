"""Local development and the demo (SQLite under var/ unless DATABASE_URL is set)."""

from .base import *  # noqa: F403
