from django.urls import path

from strides.portal import staff_views, views

urlpatterns = [
    # The client's pages: everything under /p/ (the portal session reaches nothing else).
    path("p/o/<str:token>", views.portal_open, name="portal_open"),
    path("p/start", views.portal_welcome, name="portal_welcome"),
    path("p/answer/<int:step>", views.portal_step, name="portal_step"),
    path("p/review", views.portal_review, name="portal_review"),
    path("p/thanks", views.portal_thanks, name="portal_thanks"),
    path("p/leave", views.portal_leave, name="portal_leave"),
    path("p/story", views.portal_story, name="portal_story"),
    path("p/story/renew", views.portal_story_renew, name="portal_story_renew"),
    path("p/unsubscribe/<str:value>", views.portal_unsubscribe, name="portal_unsubscribe"),
    path("p/kiosk", views.portal_kiosk, name="portal_kiosk"),
    # Staff pages.
    path("episodes/<int:episode_id>/invite", staff_views.invitation_new, name="invitation_new"),
    path("invitations/<int:invitation_id>/kiosk", staff_views.kiosk_new, name="kiosk_new"),
    path("episodes/<int:episode_id>/story", staff_views.story_toggle, name="portal_story_toggle"),
    path(
        "episodes/<int:episode_id>/resubscribe",
        staff_views.resubscribe,
        name="portal_resubscribe",
    ),
    path("episodes/<int:episode_id>/schedules", staff_views.schedule_new, name="schedule_new"),
    path("schedules/<int:schedule_id>/stop", staff_views.schedule_stop, name="schedule_stop"),
    path("outbox", staff_views.outbox, name="outbox"),
    path("mail-deliveries", staff_views.deliveries, name="mail_deliveries"),
]
