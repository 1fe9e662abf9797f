"""Messages (which can name a risk item and its answer) live in the session, not a cookie."""

from django.conf import settings
from django.urls import reverse

from tests.base import PersonaTestCase, phq9_answers
from tests.test_assessments import phq9_post


class SessionMessagesTests(PersonaTestCase):
    def test_risk_message_is_shown_but_never_sent_as_a_cookie(self) -> None:
        self.login(self.tess)
        url = reverse("assessment_new", args=[self.tess_episode.pk]) + "?instrument=phq9"
        posted = self.client.post(url, phq9_post(phq9_answers(14, item9=2)))
        self.assertEqual(posted.status_code, 302)
        self.assertNotIn("messages", posted.cookies)
        self.assertNotIn("Risk item", str(posted.cookies))
        shown = self.client.get(posted["Location"])
        self.assertContains(shown, "Risk item endorsed")
        self.assertNotIn("messages", self.client.cookies)
        self.assertEqual(
            settings.MESSAGE_STORAGE, "django.contrib.messages.storage.session.SessionStorage"
        )
