from django.urls import path

from strides.notes import views

urlpatterns = [
    path("appointments/<int:appointment_id>/note/", views.note_edit, name="note_edit"),
]
