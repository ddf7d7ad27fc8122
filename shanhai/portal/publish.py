"""The static export: every public page, map, download in both languages written as files that any web
server or CDN serves (`shanhai publish --out DIR`).

Each path is rendered by its own view (the same code the live portal runs, no HTTP), written into a
fresh temporary directory beside DIR with the static files the pages use, then swapped in with two
renames, so a reader never sees a half-written site. `/public/x/` becomes `public/x/index.html`.
"""

from __future__ import annotations

import shutil
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from django.contrib.staticfiles import finders
from django.templatetags.static import static
from django.test import RequestFactory
from django.urls import resolve, reverse

from shanhai.core.progress import Progress
from shanhai.portal import downloads, selectors

STATIC_FILES = ("shanhai/site.css", "shanhai/favicon.svg", "portal/portal.css", "shanhai/map.js",
                "shanhai/vendor/echarts/echarts.min.js", "shanhai/vendor/maps/china.js")


@dataclass(frozen=True)
class Published:
    out: Path
    files: int
    bytes: int
    seconds: float


def public_paths() -> list[str]:
    """Every URL of the public portal (pages in both languages, maps, downloads)."""
    paths: list[str] = []
    for ns in ("portal", "portal_en"):
        paths += [reverse(f"{ns}:home"), reverse(f"{ns}:data")]
        for prog in selectors.public_programmes():
            paths += [reverse(f"{ns}:programme", args=[prog.pk]), reverse(f"{ns}:map_data", args=[prog.pk])]
            for regions in selectors.provinces_of(prog).values():
                paths += [reverse(f"{ns}:province", args=[prog.pk, r.code]) for r in regions]
            paths += [reverse(f"{ns}:pairing", args=[prog.pk, p.id]) for p in selectors.pairings(prog)]
            if ns == "portal":  # the files are the same in both languages; the pages link these
                paths += [reverse(f"{ns}:download", args=[prog.pk, y, n, f]) for y in selectors.published_years(prog)
                          for n in downloads.NAMES for f in downloads.FORMATS]
    return list(dict.fromkeys(paths))


def _file(root: Path, path: str) -> Path:
    rel = path.lstrip("/")
    return root / (rel + "index.html" if rel.endswith("/") or not rel else rel)


def publish(out: Path, progress: Progress | None = None) -> Published:
    """Write the whole portal into `out` (replaced as a whole when done)."""
    started = time.monotonic()
    out = Path(out).resolve()
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}-", dir=out.parent))
    factory = RequestFactory()
    paths = public_paths()
    progress = progress or Progress()
    progress.start(len(paths))
    size = 0
    try:
        for i, path in enumerate(paths):
            match = resolve(path)
            response = match.func(factory.get(path), *match.args, **match.kwargs)
            if response.status_code != 200:
                raise RuntimeError(f"{path}: {response.status_code}")
            target = _file(tmp, path)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(response.content)
            size += len(response.content)
            progress.update(i + 1)
        for name in STATIC_FILES:
            source = finders.find(name)
            if source is None:
                raise RuntimeError(f"static file missing: {name}")
            target = tmp / static(name).lstrip("/")
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source, target)
        (tmp / "index.html").write_text('<!doctype html><meta charset="utf-8">'
                                        '<meta http-equiv="refresh" content="0; url=/public/">'
                                        '<a href="/public/">山海 · 公开数据</a>\n', encoding="utf-8")
        tmp.chmod(0o755)
        old = out.with_name(f".{out.name}-old")
        if old.exists():
            shutil.rmtree(old)
        if out.exists():
            out.rename(old)
        tmp.rename(out)
        if old.exists():
            shutil.rmtree(old)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    progress.finish()
    files = sum(1 for p in out.rglob("*") if p.is_file())
    return Published(out, files, size, time.monotonic() - started)
