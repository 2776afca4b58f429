"""Paper sizes: exact PNG pixels (A4 landscape 300 dpi = 3508 × 2480) and PDF page points."""

from __future__ import annotations

import io

import pytest
from PIL import Image
from pypdf import PdfReader

from townsgis.errors import TownsgisError
from townsgis.printmap import paper
from townsgis.printmap.export import figure_bytes

pytestmark = pytest.mark.filterwarnings("error")  # a missing glyph warning fails the test

ISO_MM = {"A4": (297, 210), "A3": (420, 297)}


def _expected_px(name: str, orientation: str, dpi: float) -> tuple[int, int]:
    w, h = ISO_MM[name]
    if orientation == "portrait":
        w, h = h, w
    return round(w / 25.4 * dpi), round(h / 25.4 * dpi)


def test_a4_landscape_300dpi_is_3508_by_2480():
    assert paper.pixel_size("A4", "landscape", 300) == (3508, 2480)
    assert paper.pixel_size("A3", "portrait", 300) == (3508, 4961)


@pytest.mark.parametrize("name", ["A4", "A3"])
@pytest.mark.parametrize("orientation", ["landscape", "portrait"])
@pytest.mark.parametrize("dpi", [50, 72, 96, 150, 300, 600])
def test_pixel_size_table(name, orientation, dpi):
    assert paper.pixel_size(name, orientation, dpi) == _expected_px(name, orientation, dpi)
    # The snapped figure size times dpi truncates (as Agg does) to exactly that count.
    w_in, h_in = paper.figsize_inches(name, orientation, dpi)
    assert (int(w_in * dpi), int(h_in * dpi)) == _expected_px(name, orientation, dpi)


def test_unknown_paper_and_orientation_are_bad_input():
    with pytest.raises(TownsgisError, match="未知的纸张 'B5'"):
        paper.paper_mm("B5")
    with pytest.raises(TownsgisError, match="未知的页面方向 'sideways'"):
        paper.paper_mm("A4", "sideways")
    with pytest.raises(TownsgisError, match="dpi"):
        paper.pixel_size("A4", "landscape", 0)


@pytest.mark.parametrize(
    ("name", "orientation", "dpi"),
    [
        ("A4", "landscape", 300),
        ("A4", "portrait", 50),
        ("A3", "landscape", 50),
        ("A3", "portrait", 72),
    ],
)
def test_png_has_exact_pixel_size(scene, name, orientation, dpi):
    data = figure_bytes(scene, "png", paper=name, orientation=orientation, dpi=dpi)
    with Image.open(io.BytesIO(data)) as im:
        assert im.size == _expected_px(name, orientation, dpi)


@pytest.mark.parametrize(("name", "orientation"), [("A4", "landscape"), ("A3", "portrait")])
def test_pdf_page_is_paper_size_in_points(scene, name, orientation):
    data = figure_bytes(scene, "pdf", paper=name, orientation=orientation)
    box = PdfReader(io.BytesIO(data)).pages[0].mediabox
    w, h = ISO_MM[name] if orientation == "landscape" else ISO_MM[name][::-1]
    assert float(box.width) == pytest.approx(w / 25.4 * 72, abs=0.01)
    assert float(box.height) == pytest.approx(h / 25.4 * 72, abs=0.01)
