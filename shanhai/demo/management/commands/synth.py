from argparse import ArgumentParser

from django.core.management.base import BaseCommand

from shanhai.demo.synth import SCALES, synth


class Command(BaseCommand):
    help = "生成合成业务数据（同一种子生成相同数据）/ Generate seeded synthetic records"

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--scale", choices=sorted(SCALES), default="demo", help="规模：demo / province / national")
        parser.add_argument("--seed", type=int, default=2021, help="随机种子")

    def handle(self, *args: object, scale: str, seed: int, **options: object) -> None:
        counts = synth(scale=scale, seed=seed)
        total = sum(counts.values())
        detail = "，".join(f"{k} {v}" for k, v in counts.items()) or "无新数据（已生成过）"
        self.stdout.write(f"合成数据（{scale}，种子 {seed}）：共 {total} 行；{detail}")
