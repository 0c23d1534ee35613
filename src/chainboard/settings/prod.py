"""Production: DEBUG off, secrets and hosts from the config file / environment, HTTPS hardening.

Reads the config file first (``$CHAINBOARD_CONFIG`` or ``var/chainboard.env``, written by
``chainboard init``); refuses to start without a secret key and allowed hosts. ``chainboard check
--deploy`` gives no warnings with the defaults. Behind a TLS-terminating reverse proxy set
``CHAINBOARD_BEHIND_TLS_PROXY=1`` (the proxy must set ``X-Forwarded-Proto``). See docs/deploy.md.
"""

from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

from chainboard.deploy.config import default_config_path, load_config

CONFIG_FILE = load_config()  # before base: it reads DATABASE_URL and CHAINBOARD_VAR

from .base import *  # noqa: E402, F403
from .base import VAR_DIR, env  # noqa: E402

DEBUG = False

SECRET_KEY = env.str("CHAINBOARD_SECRET_KEY", default="")
if len(SECRET_KEY) < 50 or SECRET_KEY.startswith(("dev-only", "django-insecure")):
    raise ImproperlyConfigured(
        "缺少安全密钥：请运行 `chainboard init` 生成配置文件，或设置 CHAINBOARD_SECRET_KEY（至少 50 个字符）。"
        f" / CHAINBOARD_SECRET_KEY is missing or too short (config file: {default_config_path()});"
        " run `chainboard init` to write a config with a generated key."
    )
ALLOWED_HOSTS = env.list("CHAINBOARD_ALLOWED_HOSTS", default=[])
if not ALLOWED_HOSTS:
    raise ImproperlyConfigured(
        "缺少允许访问的主机名：请在配置文件中设置 CHAINBOARD_ALLOWED_HOSTS（如 chainboard.example.gov.cn）。"
        " / CHAINBOARD_ALLOWED_HOSTS is empty: list the host names users reach the site by."
    )
CSRF_TRUSTED_ORIGINS = env.list("CHAINBOARD_CSRF_TRUSTED_ORIGINS", default=[])

# HTTPS. Behind a reverse proxy that terminates TLS, Django must trust its X-Forwarded-Proto
# header (opt-in: trusting it without such a proxy would let clients fake "https").
if env.bool("CHAINBOARD_BEHIND_TLS_PROXY", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    # lockout and audit log: the client's address from the local proxy's X-Forwarded-For
    AXES_CLIENT_IP_CALLABLE = "chainboard.accounts.services.client_ip_behind_proxy"
SECURE_SSL_REDIRECT = env.bool("CHAINBOARD_SSL_REDIRECT", default=True)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]  # a local monitor may ask over plain HTTP
SECURE_HSTS_SECONDS = env.int("CHAINBOARD_HSTS_SECONDS", default=31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("CHAINBOARD_HSTS_SUBDOMAINS", default=True)
SECURE_HSTS_PRELOAD = env.bool("CHAINBOARD_HSTS_PRELOAD", default=True)
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = env.bool("CHAINBOARD_SECURE_COOKIES", default=True)
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"

# Logs: stdout (journald under systemd) and a rotating file under var/log/.
LOG_DIR = Path(env.str("CHAINBOARD_LOG_DIR", default=str(VAR_DIR / "log")))
LOG_DIR.mkdir(parents=True, exist_ok=True)
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s [%(process)d] %(message)s"},
    },
    "handlers": {
        "stdout": {"class": "logging.StreamHandler", "formatter": "plain"},
        "file": {
            "class": "logging.handlers.RotatingFileHandler",
            "filename": str(LOG_DIR / "chainboard.log"),
            "maxBytes": 10 * 1024 * 1024,
            "backupCount": 10,
            "encoding": "utf-8",
            "formatter": "plain",
        },
    },
    "root": {"handlers": ["stdout", "file"], "level": env.str("CHAINBOARD_LOG_LEVEL", "INFO")},
    "loggers": {
        "django": {"level": "INFO"},
        "django.request": {"level": "WARNING"},  # 4xx as warnings, 5xx with traceback as errors
        "chainboard.security": {"level": "INFO"},
    },
}
