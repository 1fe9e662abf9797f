"""Access is decided per episode: a therapist who once treated a client does not follow
them into a later episode run by someone else; continuity of care reads backwards only;
ended episodes are read-only; supervisors reach exactly their supervisees' reach."""

from django.urls import reverse

from strides.accounts.models import Role
from strides.accounts.permissions import (
    Access,
    client_access,
    episode_access,
    readable_episodes,
)
from strides.notes.models import Note
from tests.security.handover import (
    NEW_GOAL,
    NEW_MILESTONE,
    NEW_NOTE,
    NEW_PROBLEM,
    OLD_PROBLEM,
    HandoverTestCase,
)


class LaterEpisodeOfSomeoneElseTests(HandoverTestCase):
    def new_episode_urls(self) -> list[str]:
        episode, goal = self.new_episode.pk, self.new_goal.pk
        return [
            reverse("episode_edit", args=[episode]),
            reverse("episode_end", args=[episode]),
            reverse("appointment_new", args=[episode]),
            reverse("appointment_edit", args=[self.new_appointment.pk]),
            reverse("note_edit", args=[self.new_appointment.pk]),
            reverse("assessment_new", args=[episode]),
            reverse("assessment_detail", args=[self.new_assessment.pk]),
            reverse("assessment_amend", args=[self.new_assessment.pk]),
            reverse("episode_goals", args=[episode]),
            reverse("goal_new", args=[episode]),
            reverse("goal_edit", args=[goal]),
            reverse("goal_rate", args=[goal]),
            reverse("goal_status", args=[goal]),
            reverse("alert_acknowledge", args=[self.new_alert.pk]),
            reverse("alert_snooze", args=[self.new_alert.pk]),
            reverse("milestone_new", args=[episode]),
            reverse("milestone_message", args=[self.new_milestone.pk]),
        ]

    def test_former_therapist_and_her_supervisor_get_404_on_every_later_record(self) -> None:
        for persona in (self.tess, self.sam):
            self.login(persona)
            for url in self.new_episode_urls():
                self.assertEqual(self.client.get(url).status_code, 404, (persona, url))
            self.assertEqual(
                self.denied_events(persona, client=self.handover), len(self.new_episode_urls())
            )

    def test_former_therapist_cannot_write_the_later_note(self) -> None:
        self.login(self.tess)
        url = reverse("note_edit", args=[self.new_appointment.pk])
        response = self.client.post(url, {"text": "Tess was here", "base_version": 1})
        self.assertEqual(response.status_code, 404)
        self.assertEqual(Note.objects.get(appointment=self.new_appointment).body, NEW_NOTE)

    def test_client_page_shows_only_the_episodes_she_may_read(self) -> None:
        for persona in (self.tess, self.sam):
            self.login(persona)
            page = self.client.get(reverse("client_detail", args=[self.handover.pk]))
            self.assertContains(page, "Jordan Handover")
            self.assertContains(page, OLD_PROBLEM)
            for secret in (NEW_PROBLEM, NEW_GOAL, NEW_MILESTONE, "Otto", "funeral"):
                self.assertNotContains(page, secret)
            self.assertNotContains(page, self.new_alert.summary)
            self.assertNotContains(
                page, reverse("assessment_detail", args=[self.new_assessment.pk])
            )
            self.assertNotContains(page, reverse("note_edit", args=[self.new_appointment.pk]))

    def test_caseload_attention_and_wins_leave_out_the_later_episode(self) -> None:
        for persona in (self.tess, self.sam):
            self.login(persona)
            self.assertNotContains(self.client.get(reverse("caseload")), "Jordan Handover")
            ended = self.client.get(reverse("caseload"), {"ended": "1"})
            row = next(r for r in ended.context["rows"] if r.client == self.handover)
            self.assertEqual((row.status, row.risk, row.next_appointment), ("", False, None))
            self.assertEqual(row.therapist_name, "tess")
            self.assertNotContains(self.client.get(reverse("attention")), "Jordan Handover")
            self.assertNotContains(self.client.get(reverse("wins")), NEW_MILESTONE)

    def test_the_current_therapist_sees_it_all(self) -> None:
        self.login(self.otto)
        page = self.client.get(reverse("client_detail", args=[self.handover.pk]))
        for text in (NEW_PROBLEM, NEW_GOAL, NEW_MILESTONE):
            self.assertContains(page, text)
        self.assertContains(self.client.get(reverse("attention")), "Jordan Handover")
        self.assertContains(self.client.get(reverse("wins")), NEW_MILESTONE)


class ContinuityOfCareTests(HandoverTestCase):
    def test_current_therapist_reads_the_earlier_episode_but_cannot_change_it(self) -> None:
        self.login(self.otto)
        page = self.client.get(reverse("client_detail", args=[self.handover.pk]))
        self.assertContains(page, OLD_PROBLEM)
        self.assertNotContains(page, reverse("episode_edit", args=[self.old_episode.pk]))
        detail = reverse("assessment_detail", args=[self.old_assessment.pk])
        self.assertEqual(self.client.get(detail).status_code, 200)
        note = reverse("note_edit", args=[self.old_appointment.pk])
        self.assertEqual(self.client.get(note).status_code, 200)
        for url in (
            reverse("episode_edit", args=[self.old_episode.pk]),
            reverse("assessment_amend", args=[self.old_assessment.pk]),
            reverse("appointment_edit", args=[self.old_appointment.pk]),
        ):
            self.assertEqual(self.client.get(url).status_code, 404, url)
        response = self.client.post(note, {"text": "Otto edits history", "base_version": 0})
        self.assertEqual(response.status_code, 404)
        self.assertFalse(Note.objects.filter(appointment=self.old_appointment).exists())

    def test_an_earlier_episode_is_read_only_for_its_own_therapist_too(self) -> None:
        self.assertEqual(episode_access(self.tess, self.old_episode), Access.READ)
        self.login(self.tess)
        detail = reverse("assessment_detail", args=[self.old_assessment.pk])
        self.assertEqual(self.client.get(detail).status_code, 200)
        amend = reverse("assessment_amend", args=[self.old_assessment.pk])
        self.assertEqual(self.client.get(amend).status_code, 404)

    def test_continuity_follows_the_open_episode_only(self) -> None:
        # otto's access to tess's earlier episode ends when his own episode ends.
        self.new_episode.end = self.new_episode.start
        self.new_episode.end_reason = "planned"
        self.new_episode.save()
        self.assertEqual(episode_access(self.otto, self.old_episode), Access.NONE)
        self.assertEqual(episode_access(self.otto, self.new_episode), Access.READ)

    def test_supervisor_of_the_current_therapist_reads_both_and_writes_neither(self) -> None:
        sue = self.make_user("sue", Role.SUPERVISOR)
        sue.supervisees.set([self.otto])
        for episode in (self.old_episode, self.new_episode):
            self.assertEqual(episode_access(sue, episode), Access.READ)
        self.assertEqual(client_access(sue, self.handover), Access.READ)
        self.login(sue)
        self.assertEqual(
            self.client.get(reverse("episode_edit", args=[self.new_episode.pk])).status_code, 404
        )
        self.assertContains(self.client.get(reverse("attention")), "Jordan Handover")

    def test_supervisor_reach_ends_with_the_supervisee_account(self) -> None:
        self.otto.is_active = False
        self.otto.save()
        sue = self.make_user("sue", Role.SUPERVISOR)
        sue.supervisees.set([self.otto])
        self.assertEqual(episode_access(sue, self.new_episode), Access.NONE)


class ClientFactsTests(HandoverTestCase):
    def test_only_the_current_therapist_changes_the_client_and_starts_episodes(self) -> None:
        self.assertEqual(client_access(self.otto, self.handover), Access.WRITE)
        self.assertEqual(client_access(self.tess, self.handover), Access.READ)
        self.login(self.tess)
        for url in (
            reverse("client_edit", args=[self.handover.pk]),
            reverse("episode_new", args=[self.handover.pk]),
        ):
            self.assertEqual(self.client.get(url).status_code, 404, url)
        response = self.client.post(
            reverse("episode_new", args=[self.handover.pk]),
            {"start": "2026-11-01", "anxiety_measure": "gad7"},
        )
        self.assertEqual(response.status_code, 404)
        self.assertEqual(self.handover.episodes.count(), 2)

    def test_a_client_returns_to_the_therapist_who_saw_them_last(self) -> None:
        self.new_episode.end = self.new_episode.start
        self.new_episode.end_reason = "planned"
        self.new_episode.save()
        self.assertEqual(client_access(self.otto, self.handover), Access.WRITE)
        self.assertEqual(client_access(self.tess, self.handover), Access.READ)


class BuiltOnceReachTests(HandoverTestCase):
    """The reach's query is built once per account (readable_episodes); what it finds is
    read from the database every time, so a change of care shows at once."""

    def test_a_handover_shows_in_the_next_read(self) -> None:
        self.assertIn(self.old_episode, readable_episodes(self.otto))
        self.new_episode.end = self.new_episode.start
        self.new_episode.end_reason = "planned"
        self.new_episode.save()
        self.assertNotIn(self.old_episode, readable_episodes(self.otto))
        self.assertIn(self.new_episode, readable_episodes(self.otto))

    def test_a_new_supervisee_shows_in_the_next_read(self) -> None:
        sue = self.make_user("sue", Role.SUPERVISOR)
        self.assertEqual(list(readable_episodes(sue)), [])
        sue.supervisees.set([self.otto])
        self.assertIn(self.new_episode, readable_episodes(sue))

    def test_each_account_gets_its_own_reach(self) -> None:
        otto = set(readable_episodes(self.otto))
        tess = set(readable_episodes(self.tess))
        self.assertIn(self.new_episode, otto)
        self.assertNotIn(self.new_episode, tess)
        self.assertEqual(set(readable_episodes(self.otto)), otto)
