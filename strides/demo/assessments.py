"""Synthetic questionnaire histories for the demo clinic.

Each episode follows one of a few recognisable courses (improving, plateauing,
deteriorating, recovered) so every status the product shows appears in the demo.
Answers are generated item by item and scored by `strides.instruments.score`, so the
demo shows exactly what real entries would.
"""

import math
import random
import uuid
from dataclasses import dataclass

from strides.assessments.models import Assessment, Mode
from strides.clients.models import AppointmentStatus, Episode
from strides.instruments import get_instrument, score


@dataclass(frozen=True)
class Course:
    name: str
    intake: tuple[int, int]
    final: tuple[int, int]


COURSES = [
    Course("improving", (15, 21), (6, 9)),
    Course("plateauing", (13, 17), (12, 16)),
    Course("deteriorating", (10, 13), (18, 23)),
    Course("recovered", (15, 20), (2, 5)),
    Course("improving slowly", (17, 23), (11, 14)),
]


def answers_for_total(rng: random.Random, total: int, items: int, top: int) -> dict[int, int]:
    """Item answers (0..top) adding up to `total`, spread unevenly like real answers."""
    total = max(0, min(total, items * top))
    answers = dict.fromkeys(range(1, items + 1), 0)
    while sum(answers.values()) < total:
        item = rng.randrange(1, items + 1)
        if answers[item] < top:
            answers[item] += 1
    return answers


def course_totals(rng: random.Random, course: Course, sessions: int, scale: float) -> list[int]:
    intake = rng.randint(*course.intake)
    final = rng.randint(*course.final)
    totals = []
    for t in range(1, sessions + 1):
        progress = math.log(t) / math.log(max(sessions, 2))
        expected = intake + (final - intake) * progress
        totals.append(round((expected + rng.gauss(0, 1.2)) * scale))
    return totals


def seed_assessments(
    rng: random.Random, episodes: list[Episode], *, risk_episode: Episode | None
) -> list[Assessment]:
    """PHQ-9 and GAD-7 at every second attended session of each episode.

    Every seventh episode stops being measured half-way (so "measures missed" shows),
    and one leaves the PHQ-9 risk item unanswered once (so the prompt to ask shows).
    """
    phq9, gad7 = get_instrument("phq9"), get_instrument("gad7")
    rows: list[Assessment] = []
    for index, episode in enumerate(episodes):
        attended = [
            a for a in episode.appointments.all() if a.status == AppointmentStatus.ATTENDED
        ][::2]
        if index % 7 == 6:
            attended = attended[: max(1, len(attended) // 2)]
        if not attended:
            continue
        course = COURSES[index % len(COURSES)]
        phq_totals = course_totals(rng, course, len(attended), 1.0)
        gad_totals = course_totals(rng, course, len(attended), 0.8)
        for position, appointment in enumerate(attended):
            for instrument, totals in ((phq9, phq_totals), (gad7, gad_totals)):
                answers = answers_for_total(rng, totals[position], len(instrument.items), 3)
                if instrument.code == "phq9":
                    answers[9] = 0
                    is_last = position == len(attended) - 1
                    if episode == risk_episode and is_last:
                        answers[9] = 1
                    if index == 8 and is_last:
                        del answers[9]
                result = score(instrument.code, answers)
                rows.append(
                    Assessment(
                        episode=episode,
                        appointment=appointment,
                        instrument_code=instrument.code,
                        instrument_version=instrument.version,
                        mode=Mode.IN_SESSION,
                        taken_on=appointment.at.date(),
                        entered_by=episode.therapist,
                        answers={str(n): v for n, v in answers.items()},
                        total=result.total,
                        band=result.band or "",
                        subscales=result.subscales,
                        subscale_bands=result.subscale_bands,
                        percentage=result.percentage,
                        flags=sorted(result.flags),
                        has_risk="risk" in result.flags,
                        risk_items=list(result.risk_items_endorsed),
                        submission_key=uuid.UUID(int=rng.getrandbits(128)),
                    )
                )
    return Assessment.objects.bulk_create(rows, batch_size=1000)
