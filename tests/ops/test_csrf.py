"""Every form is CSRF-protected: no view outside the token API is CSRF-exempt, the token API accepts
only bearer tokens (no session cookie, so no cross-site request can act as a logged-in user), and a
form posted without its token is refused."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import URLResolver, get_resolver
from ninja.constants import NOT_SET
from ninja.security import HttpBearer

from shanhai.api.api import api


def _patterns(resolver: URLResolver, prefix: str = ""):
    for p in resolver.url_patterns:
        if isinstance(p, URLResolver):
            yield from _patterns(p, prefix + str(p.pattern))
        else:
            yield prefix + str(p.pattern), p.callback


def test_no_view_outside_the_token_api_is_csrf_exempt():
    exempt = [route for route, view in _patterns(get_resolver()) if getattr(view, "csrf_exempt", False)]
    assert exempt, "the API's views are exempt (ninja checks its own auth): the scan must see them"
    assert [r for r in exempt if not r.startswith("api/")] == []


def test_the_token_api_takes_bearer_tokens_only():
    operations = [op for _prefix, router in api._routers for view in router.path_operations.values()
                  for op in view.operations]
    assert len(operations) > 20
    assert isinstance(api.auth, HttpBearer) or all(isinstance(a, HttpBearer) for a in api.auth)
    for op in operations:
        # an operation's own auth, else the router's, else the API's (NOT_SET); public reads (None, or a
        # scheme other than a bearer token) change nothing, so only GET may go without a token
        callbacks = op.auth_callbacks or ([op.auth_param] if op.auth_param is not NOT_SET else [])
        if op.auth_param is None or not all(isinstance(a, HttpBearer) for a in callbacks):
            assert set(op.methods) <= {"GET", "HEAD"}, op.view_func


@pytest.mark.parametrize("url", ["/account/lockouts/", "/account/security/", "/data/", "/work/accounts/",
                                 "/evidence/new/", "/logout/"])
def test_a_form_posted_without_its_token_is_refused(db, url):
    client = Client(enforce_csrf_checks=True)
    client.force_login(User.objects.create_superuser("csrf", password="Zhengque-mima-2026"))
    assert client.post(url, {"action": "start"}).status_code == 403
