"""The production config file: where it lives, how it is written and read.

A plain ``KEY=value`` file (django-environ's ``.env`` format). ``chainboard init`` writes it with a
freshly generated secret key and mode 0600; ``chainboard.settings.prod`` reads it before anything
else. Variables already set in the environment win over the file (systemd ``Environment=``).
"""

from __future__ import annotations

import os
import secrets
import string
from pathlib import Path

import environ

CONFIG_ENV = "CHAINBOARD_CONFIG"
SECRET_KEY_CHARS = string.ascii_letters + string.digits + "!#%&()*+,-./:;<=>?@[]^_{|}~"


def default_config_path() -> Path:
    """``$CHAINBOARD_CONFIG``, else ``var/chainboard.env`` under ``$CHAINBOARD_HOME`` (or cwd)."""
    if explicit := os.environ.get(CONFIG_ENV):
        return Path(explicit)
    home = Path(os.environ.get("CHAINBOARD_HOME", Path.cwd()))
    var = Path(os.environ.get("CHAINBOARD_VAR", home / "var"))
    return var / "chainboard.env"


def config_in_use() -> bool:
    """Is there a production config (named explicitly or at the default place)?"""
    return bool(os.environ.get(CONFIG_ENV)) or default_config_path().is_file()


def load_config(path: Path | None = None) -> Path | None:
    """Read the config file into ``os.environ`` (existing variables are kept); its path or None."""
    path = path or default_config_path()
    if not path.is_file():
        return None
    environ.Env.read_env(str(path), overwrite=False)
    return path


def generate_secret_key(length: int = 64) -> str:
    return "".join(secrets.choice(SECRET_KEY_CHARS) for _ in range(length))


def render_config(
    *, allowed_hosts: list[str], database_url: str, bind: str, behind_tls_proxy: bool, var_dir: Path
) -> str:
    """The file's text: every setting production reads, with a comment on each."""
    flag = "1" if behind_tls_proxy else "0"
    return f"""# chainboard production config — written by `chainboard init`. Keep it secret (mode 0600).
# Variables set in the service's environment take precedence over this file.

# Signs sessions and CSRF tokens; changing it signs every user out.
CHAINBOARD_SECRET_KEY='{generate_secret_key()}'
# Host names users type in the browser (comma-separated).
CHAINBOARD_ALLOWED_HOSTS={",".join(allowed_hosts)}
# postgres://USER:PASSWORD@HOST:5432/NAME (recommended) or sqlite:////absolute/path.sqlite3
DATABASE_URL={database_url}
# Data directory: uploads, collected static files, logs (var/log/).
CHAINBOARD_VAR={var_dir}
# Address gunicorn listens on (`chainboard serve`); the reverse proxy forwards to it.
CHAINBOARD_BIND={bind}
# Worker processes; empty = 2 × CPU cores + 1, at most 8.
CHAINBOARD_WORKERS=
# 1 when a reverse proxy terminates TLS and sets X-Forwarded-Proto (nginx example in docs/deploy.md).
CHAINBOARD_BEHIND_TLS_PROXY={flag}
# HTTPS: redirect http:// to https:// and send HSTS (seconds; 0 = off). Turn both off only on a
# plain-HTTP intranet (cookies then travel unencrypted: CHAINBOARD_SECURE_COOKIES=0 as well).
CHAINBOARD_SSL_REDIRECT=1
CHAINBOARD_HSTS_SECONDS=31536000
CHAINBOARD_SECURE_COOKIES=1
# Login lockout: failures before the lock, and its length in minutes; idle session hours.
CHAINBOARD_LOCKOUT_FAILURES=5
CHAINBOARD_LOCKOUT_MINUTES=15
CHAINBOARD_SESSION_IDLE_HOURS=8
"""


def write_config(path: Path, text: str, *, force: bool = False) -> None:
    """Create ``path`` with mode 0600 (never readable by other users, even for a moment)."""
    if path.exists() and not force:
        raise FileExistsError(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    if force and path.exists():
        path.unlink()
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(text)
    os.chmod(path, 0o600)  # the umask cannot widen it, but make it explicit
