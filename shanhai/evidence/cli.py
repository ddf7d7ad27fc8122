"""Command line: `shanhai extract FILE... [--published DATE | --dates JSON] [--out facts.jsonl] [--score GOLD_DIR]`.

`main(argv)` takes the arguments after the subcommand; a leading ``extract`` is accepted too, so
both `shanhai extract a.txt` (the project's console script) and
`python -m shanhai.evidence.cli extract a.txt` (or without ``extract``) work.
Exit status: 0 on success, 1 when any file was refused (its Chinese reason is printed on stderr),
2 on bad usage.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from pathlib import Path

from . import Options, doc_id_for, extract_facts, read_document
from .errors import EvidenceError
from .settings import parse_date


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="shanhai extract", description="从报告中抽取指标事实（JSON Lines）")
    p.add_argument("files", nargs="+", metavar="FILE", help="文本、HTML、.docx 或 PDF 文件")
    p.add_argument("--published", help="发布日期，如 2023-10-26（默认取文中的发布时间）")
    p.add_argument("--out", "-o", help="写入的 .jsonl 文件（默认输出到标准输出）")
    p.add_argument("--dates", metavar="JSON", help="各文档的发布日期：{文档编号: 日期}，优先于 --published")
    p.add_argument("--score", metavar="GOLD_DIR", help="与金标准目录比对，输出准确率/召回率/F1")
    p.add_argument("--no-clean", action="store_true", help="不清理网页噪声")
    p.add_argument("--spec-only", action="store_true", help="只输出规范字段（不含 unit/stated_rate 等）")
    p.add_argument("--max-mb", type=float, default=50, help="文件大小上限（MB），默认 50")
    return p


def options_from_args(args: argparse.Namespace) -> Options:
    """The options object from parsed arguments (cf. trafilatura's args_to_extractor)."""
    return Options.from_mapping({
        "published": args.published,
        "clean": not args.no_clean,
        "max_bytes": int(args.max_mb * 1024 * 1024),
    })


def load_dates(path: str) -> dict[str, dt.date]:
    """A JSON object of document id → publication date (what the review page's date field gives
    one document), for scoring a corpus whose pages do not all carry their date."""
    raw = json.loads(Path(path).read_text(encoding="utf-8"))
    if not isinstance(raw, dict):
        raise ValueError("应为 {文档编号: 日期} 形式的 JSON 对象")
    return {str(k): parse_date(str(v)) for k, v in raw.items()}


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["extract"]:
        argv = argv[1:]
    args = build_parser().parse_args(argv)
    try:
        options = options_from_args(args)
    except ValueError as e:
        print(f"错误：{e}", file=sys.stderr)
        return 2
    try:
        dates = load_dates(args.dates) if args.dates else {}
    except (OSError, ValueError) as e:
        print(f"错误：发布日期文件无法读取：{e}", file=sys.stderr)
        return 2
    lines: list[str] = []
    facts: list[dict[str, object]] = []
    failed = 0
    for name in args.files:
        try:
            doc = read_document(name, options=options)
            doc_id = doc_id_for(name)
            result = extract_facts(doc, doc_id=doc_id, published=dates.get(doc_id) or options.published,
                                   options=options)
        except EvidenceError as e:
            print(f"错误：{e}", file=sys.stderr)
            failed += 1
            continue
        for f in result.facts:
            facts.append(f.to_dict(extra=not args.spec_only))
            lines.append(f.to_json(extra=not args.spec_only))
    if args.out:
        Path(args.out).write_text("".join(line + "\n" for line in lines), encoding="utf-8")
    elif not args.score:
        sys.stdout.write("".join(line + "\n" for line in lines))
    if args.score:
        from .scoring import score

        print(score(args.score, facts).report())
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
