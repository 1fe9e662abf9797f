from django.urls import path

from strides.api import views

urlpatterns = [
    path("account/tokens/", views.token_list, name="api_tokens"),
    path("account/tokens/revoke/", views.token_revoke, name="api_token_revoke"),
]
