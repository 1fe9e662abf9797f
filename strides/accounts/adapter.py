from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from django.core.exceptions import ValidationError
from django.http import HttpRequest

from strides.accounts.lockout import record_failure
from strides.audit.source import client_address


class StaffOnlyAccountAdapter(DefaultAccountAdapter):
    """Accounts are created by an admin; nobody signs themselves up."""

    def is_open_for_signup(self, request: HttpRequest) -> bool:
        return False

    def get_client_ip(self, request: HttpRequest) -> str:
        """allauth's rate limits count per the same address the audit trail records."""
        return client_address(request)

    def pre_authenticate(self, request: HttpRequest, **credentials: Any) -> None:
        """An attempt refused by allauth's rate limit is audited like any failure."""
        try:
            super().pre_authenticate(request, **credentials)
        except ValidationError:
            record_failure(username=str(credentials.get("username") or ""), stage="password")
            raise
