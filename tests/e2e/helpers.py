from django.conf import settings
from django.test import Client
from playwright.sync_api import Page

from strides.accounts.models import User

PASSWORD = "correct horse battery staple"


def make_user(username: str, role: str) -> User:
    user = User(username=username, role=role)
    user.set_password(PASSWORD)
    user.save()
    return user


def sign_in(page: Page, base_url: str, username: str) -> None:
    page.goto(f"{base_url}/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def signed_in(page: Page, base_url: str, username: str) -> None:
    """The browser holds a fresh session of the user, made on the server as a sign-in
    makes it, without the form (the sign-in form has tests of its own); then opens the
    home page."""
    browser = Client()
    browser.force_login(User.objects.get(username=username))
    cookie = browser.cookies[settings.SESSION_COOKIE_NAME]
    page.context.add_cookies(
        [
            {
                "name": cookie.key,
                "value": cookie.value,
                "url": base_url,
                "httpOnly": True,
                "sameSite": "Lax",
            }
        ]
    )
    page.goto(f"{base_url}/")
