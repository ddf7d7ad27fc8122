import os
import signal
import subprocess
import sys
from argparse import ArgumentParser

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand

from shanhai.demo.services import demo_setup


class Command(BaseCommand):
    help = "建立并启动演示站点（SQLite）/ Set up and serve the demo"

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--addrport", default="127.0.0.1:8000", help="监听地址，默认 127.0.0.1:8000（make demo PORT=8301 改端口）")
        parser.add_argument("--no-serve", action="store_true", help="只准备数据，不启动服务")

    def handle(self, *args: object, addrport: str, no_serve: bool, **options: object) -> None:
        logins = demo_setup(stdout=self.stdout)
        if not (settings.STATIC_ROOT / "staticfiles.json").exists() and not (settings.STATIC_ROOT / "admin").exists():
            call_command("collectstatic", interactive=False, verbosity=0)
        self.stdout.write("演示账号 / demo logins:")
        for login in logins:
            self.stdout.write(f"  用户名 {login.username}  密码 {login.password}  （{login.note}）")
        if no_serve:
            self.stdout.write(f"未启动服务；运行 `shanhai runserver {addrport}` 后访问 http://{addrport}/ 。"
                              f" / Not serving: run `shanhai runserver {addrport}`, then open http://{addrport}/ .")
            return
        self.stdout.write(f"打开 http://{addrport}/ 查看看板与地图；数据管理在 http://{addrport}/admin/ 。")
        self.stdout.write(f"需求对接在 http://{addrport}/match/ ；公开门户（无需登录）在 http://{addrport}/public/ 。"
                          f" / Matching: http://{addrport}/match/ ; public portal (no login): http://{addrport}/public/ .")
        # Background work (confirmed imports, rebuilds, large exports) needs a worker: one runs beside the
        # server for as long as it does (stopped with it).
        # A terminated demo must stop its worker too: SIGTERM becomes SystemExit so `finally` runs, and the
        # worker also stops by itself when its parent is gone (killed with SIGKILL, say).
        signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
        worker = subprocess.Popen([sys.executable, "-m", "shanhai.cli", "worker", "--verbosity", "0",
                                   "--parent", str(os.getpid())])
        self.stdout.write(f"后台任务进程已启动（进程号 {worker.pid}）。")
        try:
            call_command("runserver", addrport, use_reloader=False, insecure_serving=True)
        finally:
            worker.terminate()
            try:
                worker.wait(10)
            except subprocess.TimeoutExpired:
                worker.kill()
