"""``bloc demo``: migrate, load the demo chapter and serve it on 127.0.0.1:8000."""

from __future__ import annotations

from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser

from bloc.demo.loader import DEMO_PASSWORD, LOGINS, load_demo


class Command(BaseCommand):
    help = "Set up a database with the demo chapter and serve bloc. Safe to run again."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--no-serve", action="store_true", help="set everything up but do not start the server"
        )
        parser.add_argument(
            "--addrport", default="127.0.0.1:8000", help="where to serve (default 127.0.0.1:8000)"
        )

    def handle(
        self, *args: Any, no_serve: bool = False, addrport: str = "127.0.0.1:8000", **options: Any
    ) -> None:
        call_command("migrate", interactive=False, verbosity=0)
        summary = load_demo()
        if summary.created_users or summary.created_institutions:
            self.stdout.write(
                f"Demo chapter loaded: {summary.created_institutions} institutions, "
                f"{summary.created_users} people, {summary.created_memberships} memberships."
            )
        else:
            self.stdout.write("Demo chapter already loaded; nothing to add.")
        url = f"http://{addrport}/"
        self.stdout.write(f"\nbloc: {url}\n\nDemo logins (password: {DEMO_PASSWORD}):")
        for login in LOGINS:
            self.stdout.write(f"  {login.email:<34} {login.what}")
        if no_serve:
            return
        self.stdout.write("")
        call_command("runserver", addrport, use_reloader=False)
