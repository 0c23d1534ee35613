"""The ``chainboard`` console script.

A thin wrapper: ``chainboard strategy …`` and ``chainboard supply …`` run the pure analytics CLIs
(no Django); ``chainboard init`` writes the production config file and ``chainboard serve`` runs
gunicorn with production settings; everything else is a Django management command
(``chainboard import enterprises FILE`` → the ``import_data`` command, ``chainboard migrate``,
``chainboard demo``, ``chainboard runserver`` …). Management commands use the production settings
when a config file is in use (``$CHAINBOARD_CONFIG`` set, or ``var/chainboard.env`` present), the
development settings otherwise; ``DJANGO_SETTINGS_MODULE`` overrides both.
"""

from __future__ import annotations

import importlib
import os
import sys

STANDALONE_COMMANDS = {
    "strategy": "chainboard_analytics.strategy.cli",
    "supply": "chainboard_analytics.supply.cli",
    "init": "chainboard.deploy.init_cli",
    "serve": "chainboard.deploy.serve",
}
ALIASES = {"import": "import_data"}


def main(argv: list[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if args and args[0] in STANDALONE_COMMANDS:
        module = importlib.import_module(STANDALONE_COMMANDS[args[0]])
        return int(module.main(args[1:]) or 0)
    from chainboard.deploy.config import config_in_use

    default = "chainboard.settings.prod" if config_in_use() else "chainboard.settings.dev"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", default)
    if args and args[0] in ALIASES:
        args[0] = ALIASES[args[0]]
    from django.core.management import execute_from_command_line

    execute_from_command_line(["chainboard", *args])
    return 0


if __name__ == "__main__":
    sys.exit(main())
