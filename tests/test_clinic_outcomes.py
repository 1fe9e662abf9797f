"""Team and clinic outcomes: every figure equals a hand computation on a constructed set
of courses, small numbers are hidden, and only supervisors and admins see the pages."""

import math
import statistics
import uuid
from datetime import UTC, date, datetime

import time_machine
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext

from strides.accounts.models import User
from strides.assessments.services import assessment_record
from strides.clients.models import Appointment, Client, Episode
from strides.clients.services import episode_end
from strides.clinic_outcomes.periods import Period, period_for
from strides.clinic_outcomes.selectors import bare_scan, clinic_outcomes
from tests.base import PersonaTestCase, phq9_answers
from tests.test_talking_therapies_outcomes import gad7_answers

Z = 1.959963984540054
TODAY = date(2026, 12, 1)
YEAR = Period("year", date(2026, 1, 1), TODAY)

# (PHQ-9 first, last, GAD-7 first, last, end reason) of each finished course.
TESS_COURSES = [
    (18, 6, 12, 5, "planned"),
    (15, 14, 10, 9, "planned"),
    (20, 8, 14, 6, "planned"),
    (12, 18, 9, 13, "dropped_out"),
    (22, 11, 15, 9, "planned"),
    (16, 9, 11, 7, "planned"),
    (11, 10, 8, 8, "planned"),
    (24, 12, 18, 10, "planned"),
    (14, 4, 10, 3, "planned"),
    (19, 17, 13, 16, "referred_on"),
    (6, 4, 5, 3, "planned"),
    (8, 14, 6, 11, "planned"),
]
OTTO_COURSES = [(17, 7, 11, 4, "planned"), (13, 12, 9, 9, "other")]


def hand_outcome(phq_first: int, phq_last: int, gad_first: int, gad_last: int) -> dict:
    """CLINICAL.md section 5, written out: PHQ-9 caseness 10 and change 6, GAD-7 8 and 4."""
    caseness = phq_first >= 10 or gad_first >= 8
    better = phq_first - phq_last >= 6 or gad_first - gad_last >= 4
    worse = phq_last - phq_first >= 6 or gad_last - gad_first >= 4
    recovered = caseness and phq_last < 10 and gad_last < 8
    return {
        "caseness": caseness,
        "recovered": recovered,
        "improved": better and not worse,
        "deteriorated": worse,
        "reliable_recovery": recovered and better and not worse,
    }


def hand_wilson(k: int, n: int) -> tuple[float, float]:
    p = k / n
    centre = (p + Z**2 / (2 * n)) / (1 + Z**2 / n)
    half = Z / (1 + Z**2 / n) * math.sqrt(p * (1 - p) / n + Z**2 / (4 * n**2))
    return centre - half, centre + half


def hand_rates(courses: list[tuple[int, int, int, int, str]]) -> dict[str, tuple[int, int]]:
    outcomes = [hand_outcome(*course[:4]) for course in courses]
    at_caseness = [o for o in outcomes if o["caseness"]]
    return {
        "recovery": (sum(o["recovered"] for o in at_caseness), len(at_caseness)),
        "reliable_improvement": (sum(o["improved"] for o in outcomes), len(outcomes)),
        "reliable_recovery": (sum(o["reliable_recovery"] for o in at_caseness), len(at_caseness)),
        "reliable_deterioration": (sum(o["deteriorated"] for o in outcomes), len(outcomes)),
    }


def add_course(
    therapist: User, course: tuple[int, int, int, int, str], *, sessions: int = 3
) -> Episode:
    phq_first, phq_last, gad_first, gad_last, reason = course
    client = Client.objects.create(display_name=f"Course {uuid.uuid4().hex[:6]}")
    episode = Episode.objects.create(client=client, therapist=therapist, start=date(2026, 9, 1))
    for day in (2, 9, 16, 23, 30)[:sessions]:
        Appointment.objects.create(
            episode=episode, at=datetime(2026, 9, day, 10, tzinfo=UTC), status="attended"
        )
    for taken_on, phq, gad in (
        (date(2026, 9, 2), phq_first, gad_first),
        (date(2026, 9, 30), phq_last, gad_last),
    ):
        for code, answers in (("phq9", phq9_answers(phq)), ("gad7", gad7_answers(gad))):
            assessment_record(
                actor=therapist,
                episode=episode,
                instrument_code=code,
                answers=answers,
                taken_on=taken_on,
                submission_key=uuid.uuid4(),
            )
    episode_end(actor=therapist, episode=episode, end=date(2026, 10, 15), end_reason=reason)
    return episode


@time_machine.travel(datetime(2026, 12, 1, 12, tzinfo=UTC), tick=False)
class ClinicOutcomeFigureTests(PersonaTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        with time_machine.travel(datetime(2026, 12, 1, 12, tzinfo=UTC), tick=False):
            for course in TESS_COURSES:
                add_course(cls.tess, course)
            for course in OTTO_COURSES:
                add_course(cls.otto, course)
            add_course(cls.tess, (18, 5, 12, 4, "dropped_out"), sessions=1)  # not a course

    def test_rates_and_intervals_equal_the_hand_computation(self) -> None:
        found = clinic_outcomes(YEAR)
        expected = hand_rates(TESS_COURSES + OTTO_COURSES)
        self.assertEqual(found.finished, 14)
        self.assertEqual(found.short, 1)
        for line in found.figures.rates:
            k, n = expected[line.code]
            self.assertEqual((line.rate.count, line.rate.n), (k, n), line.code)
            low, high = hand_wilson(k, n)
            assert line.rate.low is not None and line.rate.high is not None
            self.assertAlmostEqual(line.rate.proportion or 0, k / n, places=12)
            self.assertAlmostEqual(line.rate.low, low, places=12)
            self.assertAlmostEqual(line.rate.high, high, places=12)

    def test_team_is_the_supervisees_and_the_effect_sizes_match(self) -> None:
        team = clinic_outcomes(YEAR, therapist_ids=[self.tess.pk])
        self.assertEqual(team.finished, 12)
        for line in team.figures.rates:
            self.assertEqual((line.rate.count, line.rate.n), hand_rates(TESS_COURSES)[line.code])

        pre = [float(c[0]) for c in TESS_COURSES]
        post = [float(c[1]) for c in TESS_COURSES]
        n = len(pre)
        d = statistics.mean(a - b for a, b in zip(pre, post, strict=True)) / statistics.stdev(pre)
        d *= 1 - 3 / (4 * n - 5)
        se = math.sqrt(2 * (1 - statistics.correlation(pre, post)) / n + d * d / (2 * n))
        effect = team.figures.effect
        self.assertEqual(effect.n, 12)
        self.assertAlmostEqual(effect.value or 0, d, places=10)
        self.assertAlmostEqual(effect.low or 0, d - Z * se, places=10)

        # The severity model is the whole clinic's (tess and otto), applied to the team.
        all_pre = pre + [float(c[0]) for c in OTTO_COURSES]
        all_change = [c[0] - c[1] for c in TESS_COURSES + OTTO_COURSES]
        slope, intercept = statistics.linear_regression(all_pre, [float(x) for x in all_change])
        grand = statistics.mean(all_change)
        adjusted = [
            (a - b) - (intercept + slope * a) + grand for a, b in zip(pre, post, strict=True)
        ]
        saes = statistics.mean(adjusted) / statistics.stdev(all_pre)
        self.assertAlmostEqual(team.figures.saes.value or 0, saes, places=10)
        self.assertEqual([c.benchmark.verified for c in team.comparisons], [False])

    def test_end_reasons_and_measures_per_course(self) -> None:
        found = clinic_outcomes(YEAR)
        reasons = dict(found.end_reasons)
        self.assertEqual(reasons["Planned ending"], 11)
        self.assertEqual(reasons["Dropped out"], 2)  # one course and the one-session episode
        self.assertEqual(reasons["Referred on"], 1)
        self.assertEqual(reasons["Other"], 1)
        self.assertEqual(dict(found.measures_per_course)["3 to 5"], 14)  # 2 PHQ-9 + 2 GAD-7

    def test_small_numbers_are_hidden(self) -> None:
        month = clinic_outcomes(period_for("month", today=TODAY))
        self.assertEqual(month.finished, 0)
        self.assertTrue(all(not line.rate.shown for line in month.figures.rates))
        self.assertFalse(month.figures.effect.shown)
        otto = clinic_outcomes(YEAR, therapist_ids=[self.otto.pk])
        self.assertEqual([line.rate.n for line in otto.figures.rates][1], 2)
        self.assertTrue(all(not line.rate.shown for line in otto.figures.rates))

    def test_per_therapist_figures_only_when_the_clinic_turns_them_on(self) -> None:
        self.assertIsNone(clinic_outcomes(YEAR).per_therapist)
        with override_settings(STRIDES_OUTCOMES_PER_THERAPIST=True):
            each = clinic_outcomes(YEAR).per_therapist
        assert each is not None
        self.assertEqual([entry.name for entry in each], ["Otto", "Tess"])  # alphabetical
        self.assertEqual([entry.figures.finished for entry in each], [2, 12])

    def test_set_based_the_same_queries_however_many_courses(self) -> None:
        with CaptureQueriesContext(connection) as before:
            clinic_outcomes(YEAR)
        for course in TESS_COURSES[:4]:
            add_course(self.tess, course)
        with CaptureQueriesContext(connection) as after:
            found = clinic_outcomes(YEAR)
        self.assertEqual(found.finished, 18)
        self.assertEqual(len(before.captured_queries), len(after.captured_queries))
        self.assertLessEqual(len(after.captured_queries), 3)

    def test_bare_scan_reads_the_same_rows(self) -> None:
        # 15 ended episodes, 15 with attended sessions, 15 with measures
        self.assertEqual(bare_scan(YEAR), 45)


@time_machine.travel(datetime(2026, 12, 1, 12, tzinfo=UTC), tick=False)
class OutcomePageTests(PersonaTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        with time_machine.travel(datetime(2026, 12, 1, 12, tzinfo=UTC), tick=False):
            for course in TESS_COURSES:
                add_course(cls.tess, course)

    def test_sam_sees_team_outcomes_with_n_and_intervals(self) -> None:
        self.login(self.sam)
        response = self.client.get("/outcomes/team/?period=year")
        self.assertEqual(response.status_code, 200)
        page = response.content.decode()
        k, n = hand_rates(TESS_COURSES)["reliable_improvement"]
        low, high = hand_wilson(k, n)
        self.assertIn(f"{round(k / n * 100)} %", page)
        self.assertIn(f"{round(low * 100)} % \u2013 {round(high * 100)} %", page)
        self.assertIn("unverified value", page)
        self.assertIn('class="chart rate-chart"', page)

    def test_small_n_is_hidden_on_the_page(self) -> None:
        self.login(self.sam)
        page = self.client.get("/outcomes/team/?period=month").content.decode()
        self.assertIn("hidden: fewer than 10 courses", page)

    def test_admin_sees_the_clinic_but_has_no_team(self) -> None:
        self.login(self.admin)
        self.assertEqual(self.client.get("/outcomes/clinic/").status_code, 200)
        self.assertEqual(self.client.get("/outcomes/team/").status_code, 404)

    def test_therapists_get_404(self) -> None:
        self.login(self.tess)
        for path in ("/outcomes/team/", "/outcomes/clinic/"):
            self.assertEqual(self.client.get(path).status_code, 404, path)
        self.assertEqual(self.denied_events(self.tess, action="outcomes.team"), 1)

    def test_unknown_measure_is_404(self) -> None:
        self.login(self.sam)
        self.assertEqual(self.client.get("/outcomes/team/?measure=who5").status_code, 404)

    def test_anonymous_is_sent_to_sign_in(self) -> None:
        self.assertEqual(self.client.get("/outcomes/clinic/").status_code, 302)
