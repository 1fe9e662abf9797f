from allauth.account.adapter import DefaultAccountAdapter
from django.http import HttpRequest

from strides.audit.source import client_address


class StaffOnlyAccountAdapter(DefaultAccountAdapter):
    """Accounts are created by an admin; nobody signs themselves up."""

    def is_open_for_signup(self, request: HttpRequest) -> bool:
        return False

    def get_client_ip(self, request: HttpRequest) -> str:
        """allauth's rate limits count per the same address the audit trail records."""
        return client_address(request)
