from django.urls import path

from strides.accounts import views

urlpatterns = [
    path("staff/", views.staff_list, name="staff_list"),
    path("staff/new/", views.staff_new, name="staff_new"),
    path("staff/<int:user_id>/", views.staff_edit, name="staff_edit"),
    path(
        "staff/episodes/<int:episode_id>/transfer/", views.episode_transfer, name="episode_transfer"
    ),
    path("account/", views.my_account, name="my_account"),
]
