"""How far a read replica is behind the primary, measured on the publication log."""

from django.db.models import Max, Min
from django.utils import timezone

from articles.models import PublicationLog


def replica_lag(*, replica: str, primary: str) -> float:
    """Seconds the replica's publication log is behind the primary's: 0 while it holds every
    position the primary does (whatever else it lacks, no public answer differs), else how
    long ago the primary wrote the first position the replica has not replayed yet.

    Positions commit in order, so a replica holds a prefix of the log: its last position
    says all it has."""
    replayed = PublicationLog.objects.using(replica).aggregate(last=Max("position"))["last"]
    missing = PublicationLog.objects.using(primary).filter(position__gt=replayed or 0)
    oldest = missing.aggregate(oldest=Min("created_at"))["oldest"]
    if oldest is None:
        return 0.0
    return max(0.0, (timezone.now() - oldest).total_seconds())
