"""Synthetic goals in clients' own (made-up) words, rated in session, for the demo."""

import random
import uuid
from decimal import Decimal

from strides.clients.models import AppointmentStatus, Episode
from strides.crypto import encrypt_text
from strides.goals.models import Goal, GoalRating, GoalStatusChange

GOAL_TEXTS = [
    "Sleep through most nights",
    "Go back to the swimming club",
    "Phone my brother once a week",
    "Take the bus to work without panicking",
    "Say no at work when my plate is full",
    "Cook a proper dinner three times a week",
    "Walk the dog every morning",
    "Spend less time checking my body for symptoms",
]


def seed_goals(rng: random.Random, episodes: list[Episode]) -> tuple[int, int]:
    """One or two goals for every third episode, rated at about every other session,
    rising from a low start; returns (goals, ratings) created."""
    goals, ratings = [], []
    for index, episode in enumerate(episodes):
        if index % 3:
            continue
        attended = [
            a for a in episode.appointments.all() if a.status == AppointmentStatus.ATTENDED
        ][::2]
        for number in range(1 + index % 2):
            goal = Goal(
                episode=episode,
                created_by=episode.therapist,
                text_encrypted=encrypt_text(rng.choice(GOAL_TEXTS)),
                submission_key=uuid.UUID(int=rng.getrandbits(128)),
            )
            goals.append(goal)
            start = rng.randint(1, 4)
            for position, appointment in enumerate(attended):
                rating = min(10, start + position * rng.choice([0, 1, 1, 2]) // (number + 1))
                ratings.append(
                    GoalRating(
                        goal=goal,
                        rating=Decimal(rating),
                        rated_on=appointment.at.date(),
                        rated_by=episode.therapist,
                        submission_key=uuid.UUID(int=rng.getrandbits(128)),
                    )
                )
    Goal.objects.bulk_create(goals)
    GoalStatusChange.objects.bulk_create(
        GoalStatusChange(goal=goal, from_status="", to_status=goal.status, by=goal.created_by)
        for goal in goals
    )
    for row in ratings:  # the goals had no primary key when their ratings were built
        row.goal_id = row.goal.pk
    GoalRating.objects.bulk_create(ratings, batch_size=1000)
    return len(goals), len(ratings)
