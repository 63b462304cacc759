"""Bound how many revisions each entry keeps."""

from django.conf import settings
from django.core.management.base import BaseCommand

from articles.services import revisions_prune


class Command(BaseCommand):
    help = (
        "Remove the oldest revisions of entries that have more than --keep (default: the "
        "REVISIONS_KEEP setting). The revision an entry's live version was published from is "
        "always kept."
    )

    def add_arguments(self, parser):
        parser.add_argument("--keep", type=int, default=None)

    def handle(self, *args, keep, **options):
        keep = settings.REVISIONS_KEEP if keep is None else keep
        removed = revisions_prune(keep=keep)
        self.stdout.write(f"Revisions: {removed} removed, at most {keep} kept per entry.")
