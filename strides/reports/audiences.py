"""Who a progress report is for, and which of them each role may produce.

- **client**: plain language for the client to keep; no notes, no alerts, no
  presenting problem, and no measure hidden from clients.
- **record**: the clinical record: every measure, alerts, the presenting problem and the
  session notes.
- **supervision**: for case discussion: the client appears under a stable pseudonym,
  without name, date of birth or contact details; no notes.

Which audiences a reader of the episode may ask for (the episode must be readable under
the one access rule first):

- a therapist who reads the episode: all three;
- a supervisor: supervision only (they discuss cases, they do not hand reports to clients
  or file them in the record, and a supervisor never needs the client's identity);
- an admin with break-glass access: the record only (a records request, read-only).
"""

from enum import StrEnum

from django.conf import settings
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _

from strides.accounts.models import Role, User
from strides.progress.history import ALLIANCE_INSTRUMENTS


class Audience(StrEnum):
    CLIENT = "client"
    RECORD = "record"
    SUPERVISION = "supervision"

    @property
    def label(self) -> str:
        return str(AUDIENCE_LABELS[self])


AUDIENCE_LABELS = {
    Audience.CLIENT: _("For the client"),
    Audience.RECORD: _("For the clinical record"),
    Audience.SUPERVISION: _("For supervision (pseudonymised)"),
}

AUDIENCES_BY_ROLE: dict[str, tuple[Audience, ...]] = {
    Role.THERAPIST: (Audience.CLIENT, Audience.RECORD, Audience.SUPERVISION),
    Role.SUPERVISOR: (Audience.SUPERVISION,),
    Role.ADMIN: (Audience.RECORD,),
}


def audiences_for(user: User) -> tuple[Audience, ...]:
    """The audiences this person may produce for an episode they can read."""
    return AUDIENCES_BY_ROLE.get(user.role, ())


def parse_audience(value: str) -> Audience | None:
    try:
        return Audience(value)
    except ValueError:
        return None


def pseudonym(client_id: int) -> str:
    """A stable pseudonym for a client: the same in every report and export of this
    installation, not derivable from the client number without the secret key."""
    digest = salted_hmac(
        "strides.reports.pseudonym", str(client_id), algorithm="sha256"
    ).hexdigest()
    return f"Client {digest[:8].upper()}"


def hidden_from_clients(instrument_code: str) -> bool:
    """Measures a client's report leaves out: alliance measures (such as the SRS), those
    the clinic hides from clients, and the staff's own self-reports."""
    return (
        instrument_code in ALLIANCE_INSTRUMENTS
        or instrument_code in settings.STRIDES_CLIENT_HIDDEN_INSTRUMENTS
        or instrument_code in settings.STRIDES_STAFF_SELF_REPORT_INSTRUMENTS
    )
