"""The ``bloc`` command: Django's management commands, and ours, under one name.

``bloc migrate``, ``bloc runserver``, ``bloc demo``, ``bloc audit verify`` ...
are all management commands; this only sets the settings module and
dispatches. (Commands that need no database, ``bloc tally`` and ``bloc opinion``, are
dispatched before Django is set up.)
"""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> None:
    args = list(sys.argv if argv is None else ["bloc", *argv])
    if len(args) > 1 and args[1] == "tally":
        from bloc.tally_command import main as tally

        sys.exit(tally(args[2:]))
    if len(args) > 1 and args[1] == "opinion":
        from bloc.opinion_command import main as opinion

        sys.exit(opinion(args[2:]))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bloc.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(args)


if __name__ == "__main__":
    main()
