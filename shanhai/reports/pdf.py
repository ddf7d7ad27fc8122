"""PDF of a report through LibreOffice headless, with the fonts the project ships (fonts/).

LibreOffice is started with a fontconfig file of our own that knows only `fonts/` and maps the names
the documents use (仿宋, 宋体, 黑体, 楷体 …) to the shipped families, so the PDF embeds our fonts whatever
the server has installed. Each conversion uses its own profile directory (parallel runs do not share a
lock). A missing LibreOffice is a Chinese refusal naming the packages.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from shanhai.core.errors import ShanhaiError

FONTS = Path(__file__).parent / "fonts"
ALIASES = {"Shanhai Serif": ("仿宋", "FangSong", "仿宋_GB2312", "宋体", "SimSun", "Times New Roman", "serif",
                             "Calibri", "Cambria", "Liberation Serif", "DejaVu Serif"),
           "Shanhai Sans": ("黑体", "SimHei", "微软雅黑", "Microsoft YaHei", "Arial", "sans-serif",
                            "Liberation Sans", "DejaVu Sans"),
           "Shanhai Kai": ("楷体", "KaiTi", "楷体_GB2312")}


def fontconfig(directory: Path) -> Path:
    """A fonts.conf that sees only the shipped fonts and maps the documents' font names onto them."""
    aliases = "".join(
        f"<alias binding=\"same\"><family>{name}</family><prefer><family>{family}</family></prefer></alias>"
        for family, names in ALIASES.items() for name in names)
    conf = directory / "fonts.conf"
    conf.write_text(
        "<?xml version=\"1.0\"?><!DOCTYPE fontconfig SYSTEM \"fonts.dtd\"><fontconfig>"
        f"<dir>{FONTS}</dir><cachedir>{directory / 'cache'}</cachedir>{aliases}"
        "<alias><family>monospace</family><prefer><family>Shanhai Sans</family></prefer></alias>"
        "</fontconfig>", encoding="utf-8")
    return conf


def soffice() -> str:
    found = shutil.which("soffice") or shutil.which("libreoffice")
    if not found:
        raise ShanhaiError("生成 PDF 需要 LibreOffice（Debian 软件包 libreoffice-writer-nogui、libreoffice-calc-nogui），"
                           "本机未安装；请安装后重试，或改为生成 docx / xlsx。", field="format", code="unavailable")
    return found


def to_pdf(source: Path, out: Path, *, timeout: int = 180) -> None:
    """Convert a .docx or .xlsx to `out` (PDF)."""
    binary = soffice()
    with tempfile.TemporaryDirectory(prefix="shanhai-pdf-") as tmp:
        work = Path(tmp)
        env = {**os.environ, "FONTCONFIG_FILE": str(fontconfig(work)), "HOME": str(work)}
        cmd = [binary, f"-env:UserInstallation=file://{work / 'profile'}", "--headless", "--norestore",
               "--convert-to", "pdf", "--outdir", str(work / "out"), str(source)]
        try:
            done = subprocess.run(cmd, env=env, capture_output=True, timeout=timeout, check=False)  # noqa: S603
        except subprocess.TimeoutExpired as e:
            raise ShanhaiError(f"LibreOffice 在 {timeout} 秒内未完成 PDF 转换，未生成文件。", field="format") from e
        produced = work / "out" / (source.stem + ".pdf")
        if done.returncode != 0 or not produced.exists():
            raise ShanhaiError("LibreOffice 转换 PDF 失败，未生成文件："
                               f"{done.stderr.decode(errors='replace')[-300:]}", field="format")
        shutil.move(str(produced), str(out))
