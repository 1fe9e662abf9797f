from django.urls import path

from strides.alerts import views

urlpatterns = [
    path("alerts/<int:alert_id>/acknowledge/", views.alert_acknowledge, name="alert_acknowledge"),
    path("alerts/<int:alert_id>/snooze/", views.alert_snooze, name="alert_snooze"),
    path("alerts/<int:alert_id>/resolve/", views.alert_resolve, name="alert_resolve"),
]
