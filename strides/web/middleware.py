from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils.cache import add_never_cache_headers


class NoStoreMiddleware:
    """No page of Strides is kept by the browser or a proxy (`Cache-Control: no-store`).

    Every response from a view carries client data or a form for it, so the rule is
    for all of them; only static files (served by WhiteNoise before this) are cached.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        add_never_cache_headers(response)
        return response
