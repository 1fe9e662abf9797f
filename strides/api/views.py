"""The account page where staff create and revoke their personal access tokens."""

from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from strides.api import selectors, services
from strides.api.forms import TokenForm
from strides.web.forms import add_service_errors
from strides.web.requests import AuthedRequest, staff_required


@staff_required
@require_http_methods(["GET", "POST"])
def token_list(request: AuthedRequest) -> HttpResponse:
    form = TokenForm(request.POST or None)
    new_token = ""
    if request.method == "POST" and form.is_valid():
        try:
            _token, new_token = services.token_create(
                actor=request.user,
                user=request.user,
                name=form.cleaned_data["name"],
                write=form.cleaned_data["write"],
                days=form.cleaned_data["days"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            form = TokenForm()
    context = {
        "form": form,
        "new_token": new_token,
        "tokens": selectors.tokens_of(user=request.user),
    }
    return render(request, "api/tokens.html", context)


@staff_required
@require_POST
def token_revoke(request: AuthedRequest) -> HttpResponse:
    token_id = request.POST.get("token", "")
    if not token_id.isdigit():
        raise Http404("No such token.")
    token = selectors.own_token(user=request.user, token_id=int(token_id))
    services.token_revoke(actor=request.user, token=token)
    return redirect("api_tokens")
