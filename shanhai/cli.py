"""The `shanhai` command: Django's management commands, plus `extract`, which needs no Django."""

import os
import sys


def main(argv: list[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if args and args[0] == "extract":
        from shanhai.evidence.cli import main as extract_main

        return extract_main(args[1:])
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shanhai.settings.base")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["shanhai", *args])
    return 0


if __name__ == "__main__":
    sys.exit(main())
