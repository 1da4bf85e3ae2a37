import random
from argparse import ArgumentParser
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import transaction

from demo.seed import DEMO_PASSWORD, is_seeded, seed


class Command(BaseCommand):
    help = "Fill the database with a deterministic demo shop (users, catalog, stock, orders)."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--flush", action="store_true",
                            help="delete ALL data first (manage.py flush), then seed again")
        parser.add_argument("--seed", type=int, default=2025, dest="random_seed",
                            help="random seed (default 2025)")

    def handle(self, *args: Any, flush: bool, random_seed: int, **options: Any) -> None:
        if flush:
            call_command("flush", interactive=False, verbosity=0)
        elif is_seeded():
            self.stdout.write("Demo data already present; use --flush to start over.")
            return
        with transaction.atomic():
            accounts = seed(random.Random(random_seed))
        self.stdout.write(self.style.SUCCESS("Demo shop ready."))
        self.stdout.write(f"Every demo user's password is {DEMO_PASSWORD!r}. API tokens:")
        for account in accounts:
            role = "staff" if account.is_staff else "customer"
            self.stdout.write(f"  {account.username:<8} {role:<8} Token {account.token}")
