"""A project's layers loaded, schema-checked and ready for analysis.

All frames are held in WGS84 (EPSG:4326); ``metric(kind)`` gives them in the analysis CRS
(CGCS2000 3° Gauss-Krüger, EPSG:4549 for Huzhou) where distances and areas are computed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

import geopandas as gpd
import numpy as np
from pyproj import CRS

from townsgis.crs import WGS84, analysis_crs
from townsgis.project import Project

FUNCTIONAL_ZONE = "functional_zone"


@dataclass
class Dataset:
    """Units, towns, projects and proposals of one project, in WGS84."""

    project: Project
    units: gpd.GeoDataFrame
    towns: gpd.GeoDataFrame
    projects: gpd.GeoDataFrame | None = None
    proposals: gpd.GeoDataFrame | None = None
    crs_override: str | None = None
    _metric: dict = field(default_factory=dict, repr=False)

    @cached_property
    def metric_crs(self) -> CRS:
        """Analysis CRS: rule-set override, else the 3° GK zone of the units' centroid."""
        return analysis_crs(self.units, override=self.crs_override)

    def metric(self, kind: str) -> gpd.GeoDataFrame:
        """Layer ``kind`` (units/towns/projects/proposals) in the metric analysis CRS."""
        if kind not in self._metric:
            self._metric[kind] = getattr(self, kind).to_crs(self.metric_crs)
        return self._metric[kind]

    @cached_property
    def city(self) -> gpd.GeoSeries:
        """The city boundary (units of kind district/county dissolved), WGS84."""
        base = self.units[self.units["kind"] != FUNCTIONAL_ZONE]
        return gpd.GeoSeries([base.union_all()], crs=WGS84)


def own_unit_areas(units: gpd.GeoDataFrame) -> gpd.GeoSeries:
    """Each unit's own area, in the units' CRS: a functional zone wins over the district or
    county it lies in, so districts and counties are their polygon minus every zone (the same
    precedence as ``assign_units``)."""
    geoms = units.geometry
    is_zone = (units["kind"] == FUNCTIONAL_ZONE).to_numpy()
    if not is_zone.any() or is_zone.all():
        return geoms.copy()
    zones = geoms[is_zone].union_all()
    return gpd.GeoSeries(
        np.where(is_zone, geoms.values, geoms.difference(zones).values),
        index=units.index,
        crs=units.crs,
    )


def assign_units(points_wgs84: gpd.GeoSeries, units: gpd.GeoDataFrame) -> list[str | None]:
    """The unit id each point falls in; a functional zone wins over the district it was
    carved from; a point on a border counts as inside (first unit in layer order on a
    border shared by two districts). Points outside every unit get None."""
    pts = gpd.GeoDataFrame(geometry=points_wgs84.reset_index(drop=True), crs=points_wgs84.crs)
    u = units[["unit_id", "kind", "geometry"]].reset_index(drop=True).to_crs(pts.crs)
    joined = gpd.sjoin(pts, u, how="left", predicate="intersects")
    joined["_rank"] = (joined["kind"] != FUNCTIONAL_ZONE).astype(int)
    joined = joined.sort_values(["_rank", "index_right"], kind="stable")
    first = joined[~joined.index.duplicated(keep="first")].sort_index()
    return [None if isinstance(v, float) else v for v in first["unit_id"].tolist()]


def load_dataset(
    project: Project, *, crs_override: str | None = None, layout_only: bool = False
) -> Dataset:
    """Load and validate a project's layers. Raises SchemaError listing every problem.
    ``layout_only`` loads units and towns only (site/capacity/feasible need no more)."""
    from townsgis.schema import validate_dataset

    store = project.store
    units = store.read_layer("units")
    towns = store.read_layer("towns")
    projects = proposals = None
    if not layout_only and store.has_layer("projects"):
        projects = store.read_layer("projects")
    if not layout_only and store.has_layer("proposals"):
        proposals = store.read_layer("proposals")
    crs_override = crs_override or project.analysis_crs
    ds = Dataset(project, units, towns, projects, proposals, crs_override=crs_override)
    validate_dataset(ds)
    return ds
