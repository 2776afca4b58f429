"""The planner's workbench: a FastAPI/Starlette application served by uvicorn
(``townsgis serve``). It parses requests and calls the same library as the CLI; it holds no
rule, verdict or map logic of its own.

Modules: ``app`` (factory), ``state`` (settings, cached inputs), ``security`` (host, token,
CSRF), ``errors`` (4xx answers in the user's language), ``uploads`` (checked uploads),
``api_site``/``api_layout``/``api_proposals`` (JSON API), ``downloads`` (print maps and
findings files), ``pages`` (HTML pages), ``texts`` (the pages' words), ``deps``.
"""

from __future__ import annotations


def create_app(*args, **kwargs):
    """See ``townsgis.web.app.create_app``."""
    from townsgis.web.app import create_app as factory

    return factory(*args, **kwargs)


__all__ = ["create_app"]
