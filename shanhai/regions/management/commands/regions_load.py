from django.core.management.base import BaseCommand

from shanhai.regions.services import regions_load


class Command(BaseCommand):
    help = "载入行政区划（省、地、县三级）及曾用名、简称 / Load administrative divisions and their aliases"

    def handle(self, *args: object, **options: object) -> None:
        result = regions_load()
        self.stdout.write(f"行政区划：新增 {result.created}，更新 {result.updated}；别名新增 {result.aliases}")
