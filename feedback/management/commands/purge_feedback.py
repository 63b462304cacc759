from datetime import timedelta

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from feedback.services import feedback_purge


class Command(BaseCommand):
    help = (
        "Delete reader feedback older than the retention period "
        "(settings.FEEDBACK['RETENTION_DAYS']), or keep it for counts without its message "
        "and client hash (--anonymise)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--days",
            type=int,
            default=settings.FEEDBACK["RETENTION_DAYS"],
            help="Keep feedback of the last N days (default: the retention period).",
        )
        parser.add_argument(
            "--anonymise",
            action="store_true",
            help="Blank the message and client hash instead of deleting the rows.",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Only say how many rows would change."
        )

    def handle(self, *, days, anonymise, dry_run, **options):
        if days < 0:
            raise CommandError("--days must be zero or more.")
        cutoff = timezone.now() - timedelta(days=days)
        count = feedback_purge(older_than=cutoff, anonymise=anonymise, dry_run=dry_run)
        verb = "anonymised" if anonymise else "deleted"
        prefix = "Would have " if dry_run else ""
        self.stdout.write(
            f"{prefix}{verb} {count} feedback row(s) created before {cutoff:%Y-%m-%d %H:%M} UTC."
        )
