"""Uploaded layer files: size-bounded, format checked by content and name, archives checked
for unsafe paths and unpacked size before anything is extracted.

Nothing from a request names a path on disk: the bytes are written under a fresh temporary
folder with names chosen here (``upload.csv``, ``upload.shp`` …); the user's file name is
only used in messages.
"""

from __future__ import annotations

import io
import json
import stat
import zipfile
from pathlib import Path, PurePosixPath

from townsgis.web.errors import WebError

MAX_MEMBERS = 1000
UNPACK_FACTOR = 5  # an archive may unpack to 5× the upload limit, no more
SHP_PARTS = (".shp", ".shx", ".dbf", ".prj", ".cpg")

# format found in the content → the file-name endings that may carry it
_NAMES = {
    "geojson": (".geojson", ".json"),
    "kml": (".kml",),
    "kmz": (".kmz", ".zip"),
    "shapefile": (".zip",),
    "xlsx": (".xlsx", ".xlsm"),
    "csv": (".csv", ".txt", ".tsv"),
    "gpkg": (".gpkg",),
}


def display_name(filename: str | None) -> str:
    """The user's file name for messages (last path part only, at most 120 characters)."""
    name = (filename or "upload").replace("\\", "/").rsplit("/", 1)[-1].strip()
    return (name or "upload")[:120]


def _suffix(name: str) -> str:
    return PurePosixPath(name.lower()).suffix


def _unsafe(member: zipfile.ZipInfo) -> bool:
    name = member.filename.replace("\\", "/")
    parts = PurePosixPath(name).parts
    if name.startswith("/") or ".." in parts or (len(name) > 1 and name[1] == ":"):
        return True
    mode = member.external_attr >> 16
    return bool(mode) and stat.S_ISLNK(mode)


def _check_zip(data: bytes, name: str, max_unpacked: int) -> zipfile.ZipFile:
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
        members = zf.infolist()
    except (zipfile.BadZipFile, ValueError, OSError):
        raise WebError(400, "err_zip_bad", name=name) from None
    if len(members) > MAX_MEMBERS:
        raise WebError(400, "err_zip_members", name=name, limit=MAX_MEMBERS)
    for m in members:
        if _unsafe(m):
            raise WebError(400, "err_zip_path", name=name, member=m.filename[:200])
    if sum(m.file_size for m in members) > max_unpacked:
        raise WebError(413, "err_zip_size", name=name, limit=f"{max_unpacked / 1048576:.3g}")
    return zf


def _sniff(data: bytes, name: str, max_unpacked: int) -> tuple[str, zipfile.ZipFile | None]:
    """The format of ``data`` from its content: geojson|kml|kmz|shapefile|xlsx|csv|gpkg."""
    head = data[:4096]
    if head.startswith(b"PK\x03\x04") or head.startswith(b"PK\x05\x06"):
        zf = _check_zip(data, name, max_unpacked)
        names = [m.filename.lower() for m in zf.infolist() if not m.is_dir()]
        if "[content_types].xml" in names and any(n.startswith("xl/") for n in names):
            return "xlsx", zf
        if any(n.endswith(".kml") for n in names):
            return "kmz", zf
        if any(n.endswith(".shp") for n in names):
            return "shapefile", zf
        raise WebError(400, "err_zip_content", name=name)
    if head.startswith(b"SQLite format 3\x00"):
        return "gpkg", None
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if text[:1] in (b"{", b"["):
        try:
            doc = json.loads(data.decode("utf-8-sig"))
        except (UnicodeDecodeError, ValueError):
            raise WebError(400, "err_format", name=name) from None
        if isinstance(doc, dict) and "type" in doc:
            return "geojson", None
        raise WebError(400, "err_format", name=name)
    if text[:1] == b"<":
        if b"<kml" in head.lower():
            return "kml", None
        raise WebError(400, "err_format", name=name)
    if b"\x00" not in head:
        for enc in ("utf-8-sig", "gb18030"):
            try:
                data.decode(enc)
                return "csv", None
            except UnicodeDecodeError:
                continue
    raise WebError(400, "err_format", name=name)


def store_upload(data: bytes, filename: str | None, folder: Path, max_bytes: int) -> Path:
    """Check an uploaded file and write it under ``folder`` (a fresh temporary folder);
    returns the path to read it from. Raises ``WebError`` (4xx) for anything unusable."""
    name = display_name(filename)
    if len(data) > max_bytes:
        raise WebError(413, "err_too_large", limit=f"{max_bytes / 1048576:.3g}")
    if not data:
        raise WebError(400, "err_empty_file")
    found, zf = _sniff(data, name, UNPACK_FACTOR * max_bytes)
    suffix = _suffix(name)
    if suffix not in _NAMES[found]:
        raise WebError(415, "err_format_mismatch", name=name, found=found)
    if found == "shapefile":
        return _extract_shapefile(zf, name, folder)
    ext = {"kmz": ".kmz", "xlsx": ".xlsx", "geojson": ".geojson", "kml": ".kml", "gpkg": ".gpkg"}
    target = folder / f"upload{ext.get(found, suffix if found == 'csv' else '.bin')}"
    target.write_bytes(data)
    return target


def _extract_shapefile(zf: zipfile.ZipFile, name: str, folder: Path) -> Path:
    """The one Shapefile of a checked archive, its parts written as ``upload.<ext>``."""
    files = [m for m in zf.infolist() if not m.is_dir()]
    shps = [m for m in files if m.filename.lower().endswith(".shp")]
    if len(shps) != 1:
        raise WebError(400, "err_zip_many", name=name, n=len(shps))
    stem = shps[0].filename[: -len(".shp")]
    for m in files:
        ext = _suffix(m.filename)
        if ext in SHP_PARTS and m.filename[: -len(ext)] == stem:
            try:
                (folder / f"upload{ext}").write_bytes(zf.read(m))
            except (zipfile.BadZipFile, OSError, ValueError):
                raise WebError(400, "err_zip_bad", name=name) from None
    for need in (".shx", ".dbf"):
        if not (folder / f"upload{need}").exists():
            raise WebError(400, "err_zip_content", name=name)
    return folder / "upload.shp"
