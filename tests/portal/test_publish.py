"""`shanhai publish --out DIR`: the whole portal as files, swapped in whole."""

from __future__ import annotations

import json

from django.core.management import call_command

from shanhai.portal.publish import public_paths


def test_publish_writes_every_public_path_and_replaces_the_old_site(scene, tmp_path) -> None:
    out = tmp_path / "site"
    out.mkdir()
    (out / "stale.html").write_text("old")
    call_command("publish", out=out, verbosity=0)
    assert not (out / "stale.html").exists()  # the new site replaced the old one whole
    for path in public_paths():
        rel = path.lstrip("/")
        assert (out / (rel + "index.html" if rel.endswith("/") else rel)).is_file(), path
    page = (out / f"public/{scene.programme.pk}/pairing/{scene.county.pk}/index.html").read_text()
    assert "紫云县城职业学校实训楼" in page and "/static/shanhai/map.js" not in page
    assert (out / "static/shanhai/map.js").is_file() and (out / "static/shanhai/vendor/maps/china.js").is_file()
    lines = json.loads((out / f"public/{scene.programme.pk}/map.json").read_text())["lines"]
    assert lines and all(ln["url"].startswith("/public/") for ln in lines)
    assert (out / "public/en/index.html").read_text().count("Open data") >= 1
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".site-")]  # no temporary left behind


def test_an_approval_queues_a_publish_when_configured(scene, tmp_path, settings, django_capture_on_commit_callbacks) -> None:
    from shanhai.ops.models import Job
    from shanhai.workflow.models import State, Submission

    settings.SHANHAI_PUBLISH_DIR = str(tmp_path / "site")
    sub = Submission.objects.filter(period__year=2024).first()
    with django_capture_on_commit_callbacks(execute=True):
        sub.state = State.APPROVED
        sub.save()
    job = Job.objects.get(kind="portal.publish")
    assert job.params == {"out": str(tmp_path / "site")}
