"""Local development and the demo (SQLite under var/ unless DATABASE_URL is set).

DEBUG is on here (``CHAINBOARD_DEBUG=0`` turns it off); every other settings module has it off.
"""

from .base import *  # noqa: F403
from .base import env

DEBUG = env.bool("CHAINBOARD_DEBUG", default=True)
