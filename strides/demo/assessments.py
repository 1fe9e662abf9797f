"""Synthetic questionnaire histories for the demo clinic.

Each episode draws an intake score and a course (recovering, improving, no reliable
change, deteriorating) in the proportions published for NHS Talking Therapies, and its
scores follow a log-curve towards the course's end point with session-to-session noise,
so the demo shows what a real caseload looks like rather than a staged one. Answers are
generated item by item and scored by `strides.instruments.score`, so the demo shows
exactly what real entries would. Alerts are whatever the progress engine makes of these
histories: nothing here stages an alert.
"""

import math
import random
import uuid
from dataclasses import dataclass

from strides.assessments.models import Assessment, Mode
from strides.clients.models import AppointmentStatus, Episode
from strides.instruments import get_instrument, score

# Published figures the demo follows (all synthetic data; checked by tests/test_demo.py):
# - Intake: PHQ-9 mean 15.5, SD 4.3 for clients depressed at entry, pooled over five NHS
#   Talking Therapies (IAPT) services (PMC EMS82827, Table 3: "Current Dep" 15.47 / 4.29);
#   the demo draws N(15.5, 4.5), kept within 5..27.
# - Outcomes of finished courses in NHS Talking Therapies (NHS England / NHS Digital annual
#   reports): recovery about half (46.3 % in 2015-16, 52.1 % in 2018-19), reliable
#   recovery 47 % (2023-24), reliable improvement about two thirds (the 2026/27 planning
#   target is 69 %); reliable deterioration is a small minority, about 5-10 % (the brief's
#   figure; the annual report's own deterioration line was not found in the sources
#   searched: verify before quoting it).
# The course shares below give, on a seeded demo of a few hundred clients, about 55-65 %
# of finished courses reliably improved and 5-10 % reliably deteriorated (the demo test
# measures it), the "roughly half improve, a small minority deteriorate" of issue 8.
INTAKE_MEAN = 15.5
INTAKE_SD = 4.5
SCORE_NOISE_SD = 1.3  # session-to-session wobble of a score around its curve, in points


@dataclass(frozen=True)
class Course:
    name: str
    share: float  # of episodes
    change: tuple[int, int]  # PHQ-9 points from intake to the end of the course (negative: better)


COURSES = [
    Course("recovering", 0.42, (-14, -8)),
    Course("improving", 0.16, (-9, -6)),
    Course("no reliable change", 0.35, (-4, 2)),
    Course("deteriorating", 0.07, (6, 9)),
]


def choose_course(rng: random.Random) -> Course:
    return rng.choices(COURSES, weights=[course.share for course in COURSES])[0]


def answers_for_total(rng: random.Random, total: int, items: int, top: int) -> dict[int, int]:
    """Item answers (0..top) adding up to `total`, spread unevenly like real answers."""
    total = max(0, min(total, items * top))
    answers = dict.fromkeys(range(1, items + 1), 0)
    while sum(answers.values()) < total:
        item = rng.randrange(1, items + 1)
        if answers[item] < top:
            answers[item] += 1
    return answers


def course_totals(
    rng: random.Random,
    course: Course,
    *,
    intake: float,
    measured: int,
    planned: int,
    scale: float,
    top: int,
) -> list[int]:
    """Scores at `measured` sessions of a course planned over `planned` measured sessions:
    a log-curve from intake towards intake + the course's change (PHQ-9 points times
    `scale`), with noise, on 0..top."""
    change = rng.uniform(*course.change) * scale
    final = min(top, max(0.0, intake + change))
    totals = []
    for t in range(1, measured + 1):
        progress = min(1.0, math.log(t) / math.log(max(planned, 2)))
        expected = intake + (final - intake) * progress
        noise = rng.gauss(0, SCORE_NOISE_SD) if t > 1 else 0.0
        totals.append(max(0, min(top, round(expected + noise))))
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
        measured = len(attended)
        course = choose_course(rng)
        # An ended episode finished its course (reached its end point); an active one is
        # somewhere along a course of 5 to 9 measured sessions.
        planned = measured if episode.end else rng.randint(5, 9)
        intake = min(27.0, max(5.0, rng.gauss(INTAKE_MEAN, INTAKE_SD)))
        phq_totals = course_totals(
            rng, course, intake=intake, measured=measured, planned=planned, scale=1, top=27
        )
        # GAD-7 follows the same course on its own 0-21 scale, with its own noise.
        gad_totals = course_totals(
            rng,
            course,
            intake=intake * 0.75,
            measured=measured,
            planned=planned,
            scale=0.75,
            top=21,
        )
        for position, appointment in enumerate(attended):
            for instrument, totals in ((phq9, phq_totals), (gad7, gad_totals)):
                if instrument.code == "phq9":
                    # The total is spread over items 1-8: item 9 (risk) stays 0 but for
                    # the one client whose last PHQ-9 endorses it.
                    answers = answers_for_total(rng, totals[position], 8, 3)
                    answers[9] = 0
                    is_last = position == len(attended) - 1
                    if episode == risk_episode and is_last:
                        answers[9] = 1
                    if index == 8 and is_last:
                        del answers[9]
                else:
                    answers = answers_for_total(rng, totals[position], len(instrument.items), 3)
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
