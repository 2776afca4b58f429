"""townsgis: plan and check the layout of a city's characteristic towns (特色小镇).

The data flows one way: load → validate schema → project to a metric CRS → run rules →
findings → report or map. folium and matplotlib are imported only by the map modules.
"""

from __future__ import annotations

__version__ = "0.1.0"

from townsgis.errors import TownsgisError  # noqa: E402
from townsgis.findings import Finding, Severity  # noqa: E402
from townsgis.project import Project, init_project  # noqa: E402

__all__ = ["Finding", "Project", "Severity", "TownsgisError", "__version__", "init_project"]
