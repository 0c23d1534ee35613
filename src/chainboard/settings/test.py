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
# pytest-xdist workers run side by side: each keeps its files in its own folder.
_WORKER = os.environ.get("PYTEST_XDIST_WORKER", "main")
UPLOAD_DIR = VAR_DIR / "test" / _WORKER / "uploads"
MEDIA_ROOT = VAR_DIR / "test" / _WORKER / "media"
CHAINBOARD_TEST_HOOKS = True  # chainboard.imports.liveness.pause

# Several test runs may share one PostgreSQL server (CI and developers' runs side by side): give
# each run its own throw-away database instead of the fixed "test_<name>" (pytest-django appends
# the xdist worker, test_chainboard_<pid>_gw0, and each worker has its own pid anyway).
if DATABASES["default"]["ENGINE"].endswith("postgresql"):  # noqa: F405
    DATABASES["default"]["TEST"] = {"NAME": f"test_chainboard_{os.getpid()}"}  # noqa: F405
JOBS_DIR = VAR_DIR / "test-jobs"
