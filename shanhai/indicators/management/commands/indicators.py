import time
from argparse import ArgumentParser

from django.core.management.base import BaseCommand

from shanhai.core.progress import ConsoleBar
from shanhai.indicators.catalogue import catalogue_sync
from shanhai.indicators.rollups import catalogue_clear, rollups_rebuild


class Command(BaseCommand):
    help = "指标：重建汇总（rebuild）或按目录文件更新指标（sync）/ Indicators: rebuild roll-ups, sync the catalogue"

    def add_arguments(self, parser: ArgumentParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        rebuild = sub.add_parser("rebuild", help="从业务记录全量重建指标汇总（可中断后续跑）")
        rebuild.add_argument("--batch", type=int, default=2000, help="每批重算的结对数，默认 2000")
        rebuild.add_argument("--restart", action="store_true", help="不续跑上次未完成的重建，从头开始")
        rebuild.add_argument("--quiet", action="store_true", help="不显示进度条")
        sub.add_parser("sync", help="按 catalogue.csv 更新指标目录")

    def handle(self, *args: object, action: str, **options: object) -> None:
        if action == "sync":
            n = catalogue_sync()
            catalogue_clear()
            self.stdout.write(f"指标目录已更新：{n} 项。")
            return
        started = time.perf_counter()
        bar = None if options["quiet"] else ConsoleBar("重建指标汇总")  # on stderr: rows done, time left
        report = rollups_rebuild(batch=int(options["batch"]), resume=not options["restart"], progress=bar)  # type: ignore[call-overload]
        seconds = time.perf_counter() - started
        resumed = f"（从结对 id {report.resumed_from} 之后续跑）" if report.resumed_from else ""
        self.stdout.write(
            f"指标汇总重建完成{resumed}：结对 {report.pairings} 个，结对值 {report.pairing_values} 行，"
            f"下级汇总 {report.tree_values} 行，地区汇总 {report.region_values} 行，用时 {seconds:.1f} 秒。"
        )
