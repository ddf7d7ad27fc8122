"""The locustfile of `benchmarks/load.py` (run by it; not on its own): logged-in users of several scopes
reading dashboards and the API. The accounts and URLs come from the JSON plan `load.py` writes
(`SHANHAI_LOAD_PLAN`): for each account its username, password, pages and API token."""

from __future__ import annotations

import itertools
import json
import os
import random
import re

from locust import FastHttpUser, constant_throughput, task

PLAN = json.loads(open(os.environ["SHANHAI_LOAD_PLAN"], encoding="utf-8").read())  # noqa: SIM115 - read once
RATE = float(os.environ.get("SHANHAI_LOAD_RATE", "2"))  # requests per second per simulated user
_accounts = itertools.cycle(PLAN["accounts"])
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


class Officer(FastHttpUser):
    """One signed-in officer (national, province or county) going through their pages."""

    wait_time = constant_throughput(RATE)
    insecure = True  # the stack's self-signed certificate on loopback

    def on_start(self) -> None:
        self.account = next(_accounts)
        login = self.client.get("/admin/login/", name="login form")
        token = CSRF.search(login.text or "")
        referer = f"{self.host}/admin/login/"
        with self.client.post("/admin/login/", data={
            "csrfmiddlewaretoken": token.group(1) if token else "", "username": self.account["username"],
            "password": self.account["password"], "next": "/healthz"}, headers={"Referer": referer}, name="login",
                catch_response=True) as response:
            if response.status_code != 200 or not (response.url or "").endswith("/healthz"):
                response.failure(f"login refused: {response.status_code} {response.url}")

    def _page(self, kind: str) -> None:
        url = random.choice(self.account["pages"][kind])  # noqa: S311 - a load mix, not a secret
        with self.client.get(url, name=f"{kind} ({self.account['scope']})", catch_response=True) as response:
            if response.status_code != 200 or not (response.url or "").endswith("/healthz"):
                response.failure(f"{response.status_code} {response.url}")

    @task(3)
    def overview(self) -> None:
        self._page("overview")

    @task(3)
    def region(self) -> None:  # a province officer's province, a county officer's county
        self._page("region")

    @task(3)
    def pairing(self) -> None:
        self._page("pairing")

    @task(2)
    def map_data(self) -> None:
        self._page("map_data")

    @task(1)
    def map(self) -> None:
        self._page("map")

    @task(2)
    def api(self) -> None:
        url = random.choice(self.account["api"])  # noqa: S311 - a load mix, not a secret
        with self.client.get(url, name=f"api ({self.account['scope']})", catch_response=True,
                             headers={"Authorization": f"Bearer {self.account['token']}"}) as response:
            if response.status_code != 200:
                response.failure(f"{response.status_code} {(response.text or '')[:200]}")
