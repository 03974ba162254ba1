from argparse import ArgumentTypeError
from datetime import date, timedelta
from importlib import import_module

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils import timezone

from core import page_cache
from core.demo import (
    ADMIN_EMAIL,
    DEMO_APPS,
    DEMO_PASSWORD,
    HELD_FIRST_DAY,
    LEAD_DAYS,
    TZ,
    DemoContext,
    content_digest,
)
from events.services import prepare_exports


def _day(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise ArgumentTypeError(f"not a day (YYYY-MM-DD): {value}") from exc


class Command(BaseCommand):
    help = (
        "Load the demo forum: the shape of the 2021 ZGC Forum, replayed so that its journeys are "
        f"open today (the forum {LEAD_DAYS} days ahead), or as held with --as-held. "
        "Deterministic for a mode and anchor, and idempotent: a demo already loaded keeps its "
        "dates unless told otherwise (--flush to place it anew)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--scale", type=int, default=1, help="multiply the generated rows")
        parser.add_argument("--flush", action="store_true", help="empty the database first")
        parser.add_argument("--digest", action="store_true", help="print the content digest")
        parser.add_argument(
            "--as-held", action="store_true", help="the 2021 dates: Sep 24–28 2021, Asia/Shanghai"
        )
        parser.add_argument(
            "--anchor",
            type=_day,
            help=f"the day the demo is tried on (default: today): the forum starts {LEAD_DAYS} "
            "days later",
        )
        parser.add_argument(
            "--forum-day",
            type=int,
            help="place the forum so that the anchor is its day N (1–5): check-in, now and next",
        )

    @staticmethod
    def _placed_first_day() -> date | None:
        """The first day of a demo forum already loaded here, if any."""
        from events.models import Forum

        return Forum.objects.filter(edition=2021).values_list("starts_on", flat=True).first()

    def handle(self, *args, scale, flush, digest, verbosity, as_held, anchor, forum_day, **opts):
        if scale < 1:
            raise CommandError("--scale must be at least 1")
        if forum_day is not None and not 1 <= forum_day <= 5:
            raise CommandError("--forum-day is a day of the forum: 1 to 5")
        if as_held and (anchor or forum_day):
            raise CommandError(
                "--as-held keeps the 2021 dates: it takes no --anchor or --forum-day"
            )
        if flush:
            call_command("flush", interactive=False, verbosity=0)
        placed = self._placed_first_day()
        told = as_held or anchor is not None or forum_day is not None
        if not as_held and anchor is None:
            if placed is not None and not told:
                # Loaded before: keep its dates (a second run changes nothing).
                as_held = placed == HELD_FIRST_DAY
                anchor = None if as_held else placed - timedelta(days=LEAD_DAYS)
            else:
                anchor = timezone.localdate(timezone=TZ)
        ctx = DemoContext(
            scale=scale,
            anchor=None if as_held else anchor,
            forum_day=None if as_held else forum_day,
            stdout=self.stdout if verbosity > 1 else None,
        )
        first_day = ctx.on(HELD_FIRST_DAY)
        if placed is not None and placed != first_day:
            raise CommandError(
                f"The demo forum loaded here starts on {placed}, not {first_day}: add --flush to "
                "load it anew at the new dates."
            )
        with transaction.atomic():
            for app in DEMO_APPS:
                import_module(f"{app}.demo").seed(ctx)
            # Visa requests (random ciphertexts and references): outside the content digest.
            import_module("visa.demo").seed(ctx)
            import_module("leads.demo").seed(ctx)  # scan times: the day it is loaded
        # The exports' fragments of the released programme, as a release's task writes them
        # (here at once: no worker may be running yet).
        prepare_exports()
        if connection.vendor == "postgresql":
            # Fresh statistics after a bulk load: without them the planner guesses one row per
            # table and nests loops (the day schedule took 35 ms per query instead of 4 at scale
            # 10). VACUUM sets the visibility map that index-only scans need; it cannot run inside
            # a transaction (a test's), where ANALYZE alone does.
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE" if connection.in_atomic_block else "VACUUM ANALYZE")
        page_cache.bump()  # bulk-created rows send no signal
        if verbosity:
            parts = ", ".join(f"{n} {label}" for label, n in sorted(ctx.generated.items()))
            self.stdout.write(self.style.SUCCESS(f"Demo forum loaded at scale {scale}: {parts}."))
            when = "as held" if ctx.as_held else f"replayed from {ctx.anchor}"
            self.stdout.write(f"The forum: {first_day} to {ctx.on(date(2021, 9, 28))} ({when}).")
            self.stdout.write(f"Admin login: {ADMIN_EMAIL} / {DEMO_PASSWORD}")
        if digest:
            self.stdout.write(f"digest {content_digest()}")
