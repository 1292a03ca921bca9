"""``bot config show`` (effective settings and their origins) and ``bot config check``."""

from __future__ import annotations

from typing import Any


def register(sub: Any) -> None:
    cfg = sub.add_parser("config", help="show or check the effective configuration")
    cfg_sub = cfg.add_subparsers(dest="config_command", metavar="ACTION", required=True)
    show = cfg_sub.add_parser("show", help="print settings, secrets masked, with their origin")
    show.add_argument("--all", action="store_true", help="include profiles no role uses")
    show.set_defaults(handler="apps.cli.config_show:show")
    check = cfg_sub.add_parser("check", help="probe each profile in use and give a verdict")
    check.add_argument("--embedded", action="store_true",
                       help="only the embedded (llamacpp) profiles: a one-token test each")
    check.set_defaults(handler="apps.cli.config_check:check")
