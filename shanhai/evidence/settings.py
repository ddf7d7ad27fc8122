"""The one options object of the reader (cf. trafilatura's `Extractor`)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from typing import Any

MAX_BYTES = 50 * 1024 * 1024


@dataclass(frozen=True, slots=True)
class Options:
    """How to read and extract. Build it directly, or from CLI arguments with `from_mapping`."""

    #: refuse files larger than this before reading them
    max_bytes: int = MAX_BYTES
    #: publication date; None means "take it from the article's 发布时间/时间 line"
    published: dt.date | None = None
    #: drop web-page furniture, ads, spam words, repeats (off: keep the text as loaded)
    clean: bool = True
    #: lines at least this long that repeat an earlier line are dropped as a repeat
    min_repeat_chars: int = 12
    #: merge a figure restated in the same document (same metric and value) into one fact
    dedup: bool = True

    def with_(self, **changes: Any) -> Options:
        return replace(self, **changes)

    @classmethod
    def from_mapping(cls, values: dict[str, Any]) -> Options:
        """Build from a dict (a parsed config file or argparse namespace); unknown keys are ignored."""
        known = {k: v for k, v in values.items() if k in cls.__dataclass_fields__ and v is not None}
        if isinstance(known.get("published"), str):
            known["published"] = parse_date(known["published"])
        return cls(**known)


def parse_date(text: str) -> dt.date:
    """Accept 2023-10-26, 2023/10/26, 2023.10.26 or 2023年10月26日."""
    import re

    m = re.fullmatch(r"\s*(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?\s*", text)
    if not m:
        raise ValueError(f"日期格式无法识别：{text!r}（应为 2023-10-26）")
    return dt.date(int(m[1]), int(m[2]), int(m[3]))
