"""Test settings: plain static storage (no manifest needed) and a fast password hasher."""

import os

from .base import *  # noqa: F403
from .base import VAR_DIR

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # playwright + live_server
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
UPLOAD_DIR = VAR_DIR / "test-uploads"
CHAINBOARD_TEST_HOOKS = True  # chainboard.imports.liveness.pause

# Several test runs may share one PostgreSQL server (CI and developers' runs side by side): give
# each run its own throw-away database instead of the fixed "test_<name>".
if DATABASES["default"]["ENGINE"].endswith("postgresql"):  # noqa: F405
    DATABASES["default"]["TEST"] = {"NAME": f"test_chainboard_{os.getpid()}"}  # noqa: F405
