"""`townsgis serve`: the planner's workbench in the browser (layout, site, progress, API)."""

from __future__ import annotations

import ipaddress
import os
from typing import Annotated

import typer

from townsgis.cli import app
from townsgis.cli.options import Lang, LangOpt, ProjectOpt, examples, open_project
from townsgis.errors import TownsgisError

TOKEN_ENV = "TOWNSGIS_TOKEN"


def is_loopback(host: str) -> bool:
    """True for 127.0.0.0/8, ::1 and localhost."""
    if host.strip().lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


@app.command("serve", epilog=examples("townsgis serve", "townsgis serve --port 9000"))
def serve(
    project: ProjectOpt = None,
    host: Annotated[
        str, typer.Option("--host", help="Address to bind; not localhost needs a token.")
    ] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", min=1, max=65535, help="TCP port.")] = 8765,
    lang: LangOpt = Lang.zh,
    token: Annotated[
        str | None,
        typer.Option(
            "--token",
            help=f"Access token checked on every request (or env {TOKEN_ENV}); required "
            "when --host is not localhost.",
        ),
    ] = None,
    max_upload_mb: Annotated[
        float, typer.Option("--max-upload-mb", min=0.1, max=500, help="Upload size limit, MB.")
    ] = 20.0,
) -> None:
    """Start the workbench web application and print its address (Ctrl+C stops it).
    Offline: every script and style is served from the package.

    Examples: townsgis serve · townsgis serve --project ~/hz --lang en ·
    TOWNSGIS_TOKEN=s3cret townsgis serve --host 0.0.0.0"""
    import uvicorn

    from townsgis.web import create_app

    token = token or os.environ.get(TOKEN_ENV) or None
    local = is_loopback(host)
    if not local and not token:
        raise TownsgisError(
            f"--host {host}: serving beyond this computer needs an access token; give "
            f"--token T or set {TOKEN_ENV}"
        )
    if token is not None and len(token) < 8:
        raise TownsgisError("--token: use at least 8 characters")
    proj = open_project(project)
    web = create_app(proj, lang=lang.value, token=token, max_upload_mb=max_upload_mb,
                     local_only=local and not token)  # fmt: skip
    shown = f"[{host}]" if ":" in host else host
    url = f"http://{shown}:{port}/"
    typer.echo(f"townsgis workbench: {url}" + (f"?token={token}" if token else ""))
    typer.echo(
        f"project: {proj.store.location}" + (" (read-only sample)" if proj.store.read_only else "")
    )
    uvicorn.run(web, host=host, port=port, log_level="warning")
