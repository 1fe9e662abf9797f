"""allauth forms with Strides' sign-in rules: the lockout at the two-factor step, and a
password reset that says plainly when this installation cannot send mail."""

from allauth.account.adapter import get_adapter
from allauth.account.forms import ResetPasswordForm as AllauthResetPasswordForm
from allauth.mfa.base.forms import AuthenticateForm
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from strides.accounts.lockout import is_locked_out, record_failure


class LockoutAuthenticateForm(AuthenticateForm):
    """The two-factor code step, refused while the lockout holds for this user here.

    Wrong codes are audited as failed sign-ins (signals.audit_code_failure) and so count
    towards the same limits as wrong passwords.
    """

    def clean_code(self) -> str:
        username = self.user.get_username()
        if is_locked_out(username):
            record_failure(username=username, stage="two_factor")
            raise get_adapter().validation_error("too_many_login_attempts")
        return super().clean_code()


class ResetPasswordForm(AllauthResetPasswordForm):
    """Reset by email only where a mail server is configured (`STRIDES_EMAIL_HOST`)."""

    def clean(self) -> dict[str, object]:
        if "default" not in settings.MAILERS:
            raise ValidationError(
                _(
                    "This Strides installation cannot send email, so passwords cannot be "
                    "reset here. Ask your clinic's admin to set a new password for you."
                ),
                code="no_mail_server",
            )
        return super().clean() or {}
