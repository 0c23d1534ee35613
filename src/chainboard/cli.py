"""The ``chainboard`` console script.

A thin wrapper: ``chainboard strategy …`` and ``chainboard supply …`` run the pure analytics CLIs
(no Django); everything else is a Django management command run with chainboard's settings
(``chainboard import enterprises FILE`` → the ``import_data`` command, ``chainboard migrate``,
``chainboard demo``, ``chainboard runserver`` …).
"""

from __future__ import annotations

import importlib
import os
import sys

ANALYTICS_COMMANDS = {
    "strategy": "chainboard_analytics.strategy.cli",
    "supply": "chainboard_analytics.supply.cli",
}
ALIASES = {"import": "import_data"}


def main(argv: list[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if args and args[0] in ANALYTICS_COMMANDS:
        module = importlib.import_module(ANALYTICS_COMMANDS[args[0]])
        return int(module.main(args[1:]) or 0)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "chainboard.settings.dev")
    if args and args[0] in ALIASES:
        args[0] = ALIASES[args[0]]
    from django.core.management import execute_from_command_line

    execute_from_command_line(["chainboard", *args])
    return 0


if __name__ == "__main__":
    sys.exit(main())
