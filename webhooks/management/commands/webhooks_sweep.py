from django.core.management.base import BaseCommand

from webhooks.services import deliveries_sweep, sweep_ensure


class Command(BaseCommand):
    help = (
        "Re-enqueue webhook deliveries left undelivered, disable subscriptions failing for too "
        "long, prune the delivery log; and start the periodic sweep on the worker if it is not "
        "running. Safe to run from cron."
    )

    def handle(self, *args, **options):
        swept = deliveries_sweep()
        started = sweep_ensure()
        if options["verbosity"]:
            self.stdout.write(f"{swept} deliveries re-enqueued.")
            if started:
                self.stdout.write("Periodic sweep scheduled on the task worker.")
