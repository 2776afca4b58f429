"""`townsgis serve`: the planner's workbench in the browser (layout, site, progress, API)."""

from __future__ import annotations

import ipaddress
import os
from typing import Annotated

import typer

from townsgis.cli import app
from townsgis.cli.help import command, text
from townsgis.cli.options import Lang, LangOpt, ProjectOpt, open_project
from townsgis.errors import TownsgisError
from townsgis.messages import msg, register

TOKEN_ENV = "TOWNSGIS_TOKEN"

register(
    {
        "serve.needs_token": (
            "--host {host}：在本机以外提供服务需要访问令牌；请给出 --token T 或设置 {env}",
            "--host {host}: serving beyond this computer needs an access token; give "
            "--token T or set {env}",
        ),
        "serve.short_token": ("--token：至少需要 8 个字符", "--token: use at least 8 characters"),
        "serve.address": ("townsgis 工作台：{url}", "townsgis workbench: {url}"),
        "serve.project": ("项目：{where}", "project: {where}"),
        "serve.read_only": ("（只读示例）", " (read-only sample)"),
    }
)


def is_loopback(host: str) -> bool:
    """True for 127.0.0.0/8, ::1 and localhost."""
    if host.strip().lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


@command(
    app,
    "serve",
    zh="启动网页工作台并显示其地址（按 Ctrl+C 停止）。\n\n"
    "可离线使用：所有脚本和样式都由本软件包提供。",
    en="Start the workbench web application and print its address (Ctrl+C stops it).\n\n"
    "Offline: every script and style is served from the package.",
    examples=["townsgis serve", "townsgis serve --port 9000"],
)
def serve(
    project: ProjectOpt = None,
    host: Annotated[
        str,
        typer.Option(
            "--host",
            help=text(
                "serve.host",
                "监听地址；不是本机地址时须设访问令牌。",
                "Address to bind; not localhost needs a token.",
            ),
        ),
    ] = "127.0.0.1",
    port: Annotated[
        int,
        typer.Option(
            "--port", min=1, max=65535, help=text("serve.port", "TCP 端口。", "TCP port.")
        ),
    ] = 8765,
    lang: LangOpt = Lang.zh,
    token: Annotated[
        str | None,
        typer.Option(
            "--token",
            help=text(
                "serve.token",
                f"每个请求都检查的访问令牌（也可用环境变量 {TOKEN_ENV}）；--host 不是本机时必需。",
                f"Access token checked on every request (or env {TOKEN_ENV}); required "
                "when --host is not localhost.",
            ),
        ),
    ] = None,
    max_upload_mb: Annotated[
        float,
        typer.Option(
            "--max-upload-mb",
            min=0.1,
            max=500,
            help=text("serve.max_upload", "上传大小上限，MB。", "Upload size limit, MB."),
        ),
    ] = 20.0,
) -> None:
    import uvicorn

    from townsgis.web import create_app

    token = token or os.environ.get(TOKEN_ENV) or None
    local = is_loopback(host)
    if not local and not token:
        raise TownsgisError.of("serve.needs_token", host=host, env=TOKEN_ENV)
    if token is not None and len(token) < 8:
        raise TownsgisError.of("serve.short_token")
    proj = open_project(project)
    web = create_app(proj, lang=lang.value, token=token, max_upload_mb=max_upload_mb,
                     local_only=local and not token)  # fmt: skip
    shown = f"[{host}]" if ":" in host else host
    url = f"http://{shown}:{port}/"
    typer.echo(msg("serve.address", url=url + (f"?token={token}" if token else "")))
    read_only = msg("serve.read_only") if proj.store.read_only else ""
    typer.echo(msg("serve.project", where=proj.store.location) + read_only)
    uvicorn.run(web, host=host, port=port, log_level="warning")
