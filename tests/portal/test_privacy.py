"""No person leaves through the portal: every public page (both languages), map, download and open-API
read is walked, and none may contain a person's name from the database, a user's name, or anything
shaped like an identity or mobile number."""

from __future__ import annotations

import re

from django.contrib.auth.models import User
from django.test import Client

from shanhai.people.models import Person
from shanhai.portal.publish import public_paths
from tests.portal.conftest import ID_NUMBER, PHONE

ID_SHAPE = re.compile(r"(?<!\d)\d{17}[\dXx](?!\d)")
PHONE_SHAPE = re.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)")


def _walk(scene) -> dict[str, str]:
    client = Client()
    out = {}
    paths = public_paths()
    pid = scene.programme.pk
    paths += ["/api/open/programmes", "/api/open/regions?level=county",
              f"/api/open/values?year=2023&programme={pid}",
              f"/api/open/values?year=2023&programme={pid}&region=520000",
              *(f"/api/open/values?year=2023&programme={pid}&pairing={p}" for p in
                (scene.top.pk, scene.county.pk, scene.school.pk, scene.hospital.pk))]
    for path in paths:
        r = client.get(path)
        assert r.status_code == 200, path
        out[path] = r.content.decode("utf-8")
    return out


def test_no_person_in_anything_public(scene) -> None:
    pages = _walk(scene)
    kinds = {p.rsplit(".", 1)[-1] if "." in p.rsplit("/", 1)[-1] else "html" for p in pages}
    assert {"html", "csv", "json"} <= kinds and len(pages) > 20  # the walk reached every kind of file
    names = set(Person.objects.values_list("name", flat=True)) | set(User.objects.values_list("username", flat=True))
    assert "王小明" in names
    for path, text in pages.items():
        for name in names:
            assert name not in text, (path, name)
        assert ID_NUMBER not in text and PHONE not in text, path
        assert not ID_SHAPE.search(text), (path, ID_SHAPE.search(text))
        assert not PHONE_SHAPE.search(text), (path, PHONE_SHAPE.search(text))


def test_the_walk_would_catch_a_name(scene) -> None:
    """The check can fail: a project named after a person shows up on its pairing page."""
    from shanhai.projects.models import Project

    Project.objects.filter(name="紫云县城职业学校实训楼").update(name="王小明捐建实训楼")
    from django.core.cache import cache

    cache.clear()
    pages = _walk(scene)
    assert any("王小明" in text for text in pages.values())
