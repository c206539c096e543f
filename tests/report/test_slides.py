"""pipeline/report/slides.py: the slide kinds and the page's fixed places, which the deck and the PDF
both draw at the same coordinates: every place inside the 16:9 page, sizes tried largest first."""

from __future__ import annotations

import typing

import pytest

from pipeline.report import slides
from pipeline.report.slides import (
    CLOSING_ENTITY_BOTTOM, CLOSING_ENTITY_TOP, CLOSING_LOGO_BOX, CONTENT_W, COVER_BOTTOM, COVER_LOGO_BOX, COVER_TOP,
    COVER_W, COVER_X, FOOTER_Y, KPI_GAP, KPI_W, MARGIN, SLIDE_H, SLIDE_W, Slide,
)


def test_the_page_is_16_9_in_points():
    assert (SLIDE_W, SLIDE_H) == (960.0, 540.0) and SLIDE_W / SLIDE_H == 16 / 9
    assert CONTENT_W == SLIDE_W - 2 * MARGIN and FOOTER_Y < SLIDE_H


@pytest.mark.parametrize("box", [COVER_LOGO_BOX, CLOSING_LOGO_BOX, (COVER_X, COVER_TOP, COVER_W, COVER_BOTTOM - COVER_TOP)])
def test_each_fixed_place_is_inside_the_page(box):
    x, y, w, h = box
    assert 0 <= x and x + w <= SLIDE_W and 0 <= y and y + h <= SLIDE_H


def test_the_logos_sit_below_the_texts_they_end():
    assert COVER_LOGO_BOX[1] >= COVER_BOTTOM  # the cover's texts end above its logo
    assert CLOSING_LOGO_BOX[1] >= CLOSING_ENTITY_BOTTOM > CLOSING_ENTITY_TOP


def test_four_key_figures_and_their_gaps_fill_the_content_width():
    assert 4 * KPI_W + 3 * KPI_GAP == pytest.approx(CONTENT_W)


@pytest.mark.parametrize("name", [n for n in slides.__all__ if n.endswith("_SIZES")])
def test_sizes_are_tried_from_the_largest_down(name):
    sizes = getattr(slides, name)
    assert list(sizes) == sorted(sizes, reverse=True) and len(set(sizes)) == len(sizes), name


def test_every_slide_kind_is_a_frozen_record_of_the_slide_union():
    kinds = typing.get_args(Slide)
    assert {k.__name__ for k in kinds} >= {"Cover", "Summary", "Changes", "Prose", "Cards", "Section", "Detail",
                                            "ChartSlide", "Comments", "Closing"}
    assert all(k.__dataclass_params__.frozen for k in kinds)
