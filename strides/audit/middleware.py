from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from strides.audit.source import client_address, current_source


class SourceAddressMiddleware:
    """Remember the request's address so audit events can record where they came from."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = current_source.set(client_address(request))
        try:
            return self.get_response(request)
        finally:
            current_source.reset(token)
