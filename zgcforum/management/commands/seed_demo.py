from importlib import import_module

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction

from core import page_cache
from core.demo import ADMIN_EMAIL, DEMO_APPS, DEMO_PASSWORD, DemoContext, content_digest


class Command(BaseCommand):
    help = "Load the demo forum: the shape of the 2021 ZGC Forum. Deterministic and idempotent."

    def add_arguments(self, parser):
        parser.add_argument("--scale", type=int, default=1, help="multiply the generated rows")
        parser.add_argument("--flush", action="store_true", help="empty the database first")
        parser.add_argument("--digest", action="store_true", help="print the content digest")

    def handle(self, *args, scale, flush, digest, verbosity, **options):
        if scale < 1:
            raise CommandError("--scale must be at least 1")
        if flush:
            call_command("flush", interactive=False, verbosity=0)
        ctx = DemoContext(scale=scale, stdout=self.stdout if verbosity > 1 else None)
        with transaction.atomic():
            for app in DEMO_APPS:
                import_module(f"{app}.demo").seed(ctx)
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
            self.stdout.write(f"Admin login: {ADMIN_EMAIL} / {DEMO_PASSWORD}")
        if digest:
            self.stdout.write(f"digest {content_digest()}")
