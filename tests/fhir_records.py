"""A small synthetic record for the FHIR tests: assessments of several instruments
(reverse keying, a 'not applicable' answer, a supplementary item) and goals."""

import uuid
from datetime import date

from strides.accounts.models import User
from strides.assessments.services import assessment_record
from strides.clients.models import Episode
from strides.goals.services import goal_create

PHQ9_FIRST: dict[int, int | str | None] = {
    1: 2,
    2: 3,
    3: 1,
    4: 2,
    5: 2,
    6: 1,
    7: 2,
    8: 1,
    9: 1,
    10: 2,
}
PHQ9_LATER: dict[int, int | str | None] = {1: 1, 2: 1, 3: 1, 4: 1, 5: 0, 6: 0, 7: 1, 8: 0, 9: 0}
GAD7: dict[int, int | str | None] = {1: 2, 2: 2, 3: 1, 4: 1, 5: 0, 6: 1, 7: 2}
CORE10: dict[int, int | str | None] = {1: 2, 2: 1, 3: 0, 4: 3, 5: 2, 6: 0, 7: 1, 8: 2, 9: 1, 10: 2}
WSAS: dict[int, int | str | None] = {1: "not_applicable", 2: 4, 3: 3, 4: 5, 5: 2}


Answers = dict[int, int | str | None]


def seed_record(*, therapist: User, episode: Episode) -> None:
    records: tuple[tuple[str, Answers, date], ...] = (
        ("phq9", PHQ9_FIRST, date(2026, 9, 8)),
        ("gad7", GAD7, date(2026, 9, 8)),
        ("core10", CORE10, date(2026, 9, 15)),
        ("wsas", WSAS, date(2026, 9, 15)),
        ("phq9", PHQ9_LATER, date(2026, 10, 20)),
    )
    for code, answers, taken_on in records:
        assessment_record(
            actor=therapist,
            episode=episode,
            instrument_code=code,
            answers=answers,
            taken_on=taken_on,
            submission_key=uuid.uuid4(),
        )
    goal_create(
        actor=therapist,
        episode=episode,
        text="Walk to the corner shop on my own",
        submission_key=uuid.uuid4(),
    )
