import time
from argparse import ArgumentParser

from django.core.management.base import BaseCommand

from shanhai.core.progress import ConsoleBar
from shanhai.demo.synth import SCALES, synth
from shanhai.indicators.rollups import analyze, rollups_rebuild


class Command(BaseCommand):
    help = "生成合成业务数据（同一种子生成相同数据）/ Generate seeded synthetic records"

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--scale", choices=sorted(SCALES), default="demo", help="规模：demo / province / national")
        parser.add_argument("--seed", type=int, default=2021, help="随机种子")

    def handle(self, *args: object, scale: str, seed: int, **options: object) -> None:
        started = time.perf_counter()
        counts = synth(scale=scale, seed=seed, progress=ConsoleBar("生成合成数据", unit="个县级结对"))
        total = sum(counts.values())
        detail = "，".join(f"{k} {v}" for k, v in counts.items()) or "无新数据（已生成过）"
        self.stdout.write(f"合成数据（{scale}，种子 {seed}）：共 {total} 行；{detail}；用时 {time.perf_counter() - started:.0f} 秒")
        if counts:
            started = time.perf_counter()
            analyze()  # a bulk load: give the planner fresh statistics
            report = rollups_rebuild(resume=False, progress=ConsoleBar("重建指标汇总"))
            self.stdout.write(f"指标汇总已重建：结对值 {report.pairing_values} 行，地区汇总 {report.region_values} 行；"
                              f"用时 {time.perf_counter() - started:.0f} 秒")
