from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from strides.clients.models import Episode
from strides.outcomes.services import progress_refresh, trajectory_calibrate


class Command(BaseCommand):
    help = (
        "Progress engine tools. `strides progress calibrate --instrument phq9` refits the "
        "expected trajectory on this practice's finished episodes and then refreshes every "
        "episode's summary with it; `strides progress refresh` recomputes every episode's "
        "summary, milestones and alerts."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        calibrate = sub.add_parser("calibrate", help="refit expected trajectories")
        calibrate.add_argument("--instrument", required=True)
        sub.add_parser("refresh", help="recompute every episode's progress")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "calibrate":
            try:
                result = trajectory_calibrate(actor_label="cli", instrument=options["instrument"])
            except ValueError as error:
                raise CommandError(f"Not calibrated: {error}") from None
            self.stdout.write(
                self.style.SUCCESS(
                    f"{result.instrument} calibrated on {result.n_episodes} finished episodes: "
                    f"beta0={result.beta0:.3f}, beta1={result.beta1:.3f}, sigma={result.sigma:.3f}."
                )
            )
        self.refresh_every_episode()

    def refresh_every_episode(self) -> None:
        """Every stored summary, milestone and alert recomputed with the current parameters."""
        episodes = Episode.objects.select_related("client").order_by("id")
        for episode in tqdm(episodes, total=episodes.count(), desc="Refreshing", unit="episode"):
            progress_refresh(actor=None, episode=episode)
        self.stdout.write(f"Refreshed {episodes.count()} episodes.")
