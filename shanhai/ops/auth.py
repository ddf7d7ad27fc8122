"""Test settings only: django-axes's backend, letting the test client's `login()` (which passes no
request) through unchecked. The site's login form always passes the request and is throttled."""

from axes.backends import AxesStandaloneBackend


class AxesTestBackend(AxesStandaloneBackend):
    def authenticate(self, request=None, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)
