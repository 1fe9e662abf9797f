from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from strides.accounts.permissions import Access
from strides.notes import selectors, services
from strides.notes.forms import NoteForm
from strides.web.forms import add_service_errors
from strides.web.requests import AuthedRequest, staff_required


@staff_required
@require_http_methods(["GET", "POST"])
def note_edit(request: AuthedRequest, appointment_id: int) -> HttpResponse:
    if request.method == "POST":
        found = selectors.note_for_actor(
            actor=request.user, appointment_id=appointment_id, need=Access.WRITE, action="note.edit"
        )
    else:
        found = selectors.note_for_actor(actor=request.user, appointment_id=appointment_id)
    appointment = found.appointment
    can_write = selectors.can_write_note(actor=request.user, appointment=appointment)
    initial = {"text": found.text, "base_version": found.version}
    form = NoteForm(request.POST or None, initial=initial) if can_write else None
    conflict: services.NoteConflict | None = None
    if form is not None and form.is_bound and form.is_valid():
        try:
            note = services.note_save(
                actor=request.user,
                appointment=appointment,
                text=form.cleaned_data["text"],
                base_version=form.cleaned_data["base_version"],
            )
        except services.NoteConflict as error:
            conflict = error
            form = NoteForm(initial={"text": error.mine, "base_version": error.version})
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Note saved (version %(n)s).") % {"n": note.version})
            return redirect("note_edit", appointment_id=appointment.pk)
    context = {
        "appointment": appointment,
        "client": appointment.episode.client,
        "note": found.note,
        "text": found.text,
        "revisions": selectors.note_revisions(note=found.note) if found.note else [],
        "form": form,
        "conflict": conflict,
    }
    return render(request, "notes/note.html", context)
