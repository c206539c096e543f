"""Checks of a laid-out report against its own geometry (pipeline/report/layout.py): every text box's
measured height fits its box, on every slide. Used by the layout tests and the render tests."""

from __future__ import annotations

from pipeline.report import layout as r
from pipeline.core.text import LINE_HEIGHT, Run, height, lines, width

# Where each kind of slide's content starts below its title.
_CONTENT_TOP = {r.Summary: 80.0, r.Changes: 80.0, r.Prose: 84.0, r.Cards: 92.0, r.Section: 92.0, r.Detail: 80.0, r.Comments: 84.0}
EPS = 1e-6


def _bold(text: str) -> tuple[Run, ...]:
    return (Run(text, bold=True),)


def _items_end(items, size: float, top: float) -> float:
    return top + r.LIST_TITLE_H + sum(height(parts, size, r.ATTENTION_W) + r.ITEM_GAP for _, parts in items)


def _kpis(kpis, where: str) -> list[str]:
    out = []
    for k in kpis:
        chip = width(k.light_word, r.KPI_WORD_SIZE, bold=True) + 2 * r.KPI_WORD_PAD + 6.0 if k.light_word else 0.0
        if width(k.value, k.value_size, bold=True) + chip > r.KPI_W - 24.0 + EPS:
            out.append(f"{where}: KPI «{k.value}» at {k.value_size} pt runs out of its box")
        if lines(k.label, 10.5, r.KPI_W - 24.0) > 1:
            out.append(f"{where}: KPI label «{k.label}» takes more than one line")
        if k.light is not None and not k.light_word:
            out.append(f"{where}: KPI «{k.label}» shows its semáforo by colour only")
    return out


def _logo(logo, size, image, box, area, where) -> list[str]:
    x, y, w, h = box
    ax, ay, aw, ah = area
    if image is not None:
        if x < ax - EPS or y < ay - EPS or x + w > ax + aw + EPS or y + h > ay + ah + EPS:
            return [f"{where}: logo image {box} outside its area {area}"]
        if abs(w / h - image.width / image.height) > 0.01 * image.width / image.height:
            return [f"{where}: logo image not in proportion"]
        return []
    if r.logo_text_height(logo, size, aw) > ah + EPS:
        return [f"{where}: logo text taller than its box at {size} pt"]
    return []


def overflows(report: r.Report) -> list[str]:
    """Every text that does not fit its box, as `slide N (Kind): what`; empty when all fit."""
    out: list[str] = []
    if lines(report.footer, r.FOOTER_SIZE, r.FOOTER_W) > 1:
        out.append("footer takes more than one line")
    for number, s in enumerate(report.slides, start=1):
        where = f"slide {number} ({type(s).__name__})"
        if type(s) in _CONTENT_TOP:
            w = r.DETAIL_TITLE_W if isinstance(s, r.Detail) else r.CONTENT_W
            kicker = getattr(s, "kicker", None)
            top = r.TITLE_KICKER_TOP if kicker else r.TITLE_TOP
            if kicker and lines(_bold(kicker.upper()), r.KICKER_SIZE, w) > 1:
                out.append(f"{where}: kicker takes more than one line")
            if top + height(_bold(s.title), s.title_size, w) > _CONTENT_TOP[type(s)] + EPS:
                out.append(f"{where}: title «{s.title[:40]}» at {s.title_size} pt runs into the content")
        if isinstance(s, r.Cover):
            title_top, entity_top, subtitle_top, date_top = s.tops
            if title_top + height(_bold(s.title), s.title_size, r.COVER_W) > entity_top + EPS:
                out.append(f"{where}: title runs into the entity")
            if entity_top + height(s.entity, s.entity_size, r.COVER_W) > subtitle_top + EPS:
                out.append(f"{where}: entity runs into the cut line")
            if lines(_bold(s.subtitle), 20.0, r.COVER_W) > 1 or subtitle_top + 20.0 * LINE_HEIGHT > date_top + EPS:
                out.append(f"{where}: cut line runs into the date")
            if date_top + 14.0 * LINE_HEIGHT > r.COVER_BOTTOM + EPS or r.COVER_BOTTOM > r.COVER_LOGO_BOX[1]:
                out.append(f"{where}: date runs into the logo")
            if title_top < 2 * r.MARGIN - EPS:
                out.append(f"{where}: title above the slide's top margin")
            out += _logo(s.logo, s.logo_size, s.logo_image, s.logo_box, r.COVER_LOGO_BOX, where)
        elif isinstance(s, r.Closing):
            if r.CLOSING_ENTITY_TOP + height(s.entity, s.entity_size, r.COVER_W) > r.CLOSING_ENTITY_BOTTOM + EPS:
                out.append(f"{where}: entity runs into the logo")
            out += _logo(s.logo, s.logo_size, s.logo_image, s.logo_box, r.CLOSING_LOGO_BOX, where)
        elif isinstance(s, (r.Summary, r.Changes)):
            out += _kpis(s.kpis, where)
            if s.axes and _items_end(s.axes, s.attention_size, s.axes_top) > (
                s.attention_top if s.attention or s.empty_note or s.attention_title else r.TABLE_BOTTOM
            ) + EPS:
                out.append(f"{where}: ejes run into what follows")
            end = _items_end(s.attention, s.attention_size, s.attention_top)
            if s.more_note:
                end += 2 + height(_bold(s.more_note), s.attention_size, r.ATTENTION_W)
            if s.empty_note:
                end += height(s.empty_note, s.attention_size, r.CONTENT_W)
            if end > r.TABLE_BOTTOM + EPS:
                out.append(f"{where}: attention list ends at {end:.0f} pt, below {r.TABLE_BOTTOM}")
        elif isinstance(s, r.Section):
            out += _kpis(s.kpis, where)
            end = _items_end(s.items, s.item_size, r.SECTION_ITEMS_TOP)
            if end > r.TABLE_BOTTOM + EPS:
                out.append(f"{where}: objectives end at {end:.0f} pt")
        elif isinstance(s, r.Prose):
            bottom = s.source_top - r.SOURCE_GAP if s.source else r.PROSE_TOP + r.PROSE_MAX_ROOM
            if r.PROSE_TOP + height(s.body, s.body_size, r.CONTENT_W) > bottom + EPS:
                out.append(f"{where}: body at {s.body_size} pt runs to {r.PROSE_TOP + height(s.body, s.body_size, r.CONTENT_W):.0f} pt")
            if s.source and s.source_top + height(s.source, r.SOURCE_SIZE, r.CONTENT_W) > r.TABLE_BOTTOM + EPS:
                out.append(f"{where}: source runs into the footer")
        elif isinstance(s, r.Cards):
            for card in s.cards:
                if height(card.text, card.text_size, r.CARD_TEXT_W) > r.CARD_TEXT_H + EPS:
                    out.append(f"{where}: {card.heading}'s text at {card.text_size} pt overflows its card")
                if width(card.attainment, card.attainment_size, bold=True) > r.CARD_VALUE_W + EPS:
                    out.append(f"{where}: {card.heading}'s attainment overflows")
                if lines(card.count_label, 11.0, r.CARD_TEXT_W) > 1 or lines(_bold(card.heading), 16.0, r.CARD_TEXT_W) > 1:
                    out.append(f"{where}: {card.heading}'s heading or count takes more than one line")
        elif isinstance(s, r.Detail):
            if s.text and height(s.text, s.text_size, r.DETAIL_TEXT_W) > min(s.text_h, r.DETAIL_TEXT_MAX_H) + EPS:
                out.append(f"{where}: objective text at {s.text_size} pt overflows its box")
            if s.text and r.DETAIL_TEXT_TOP + s.text_h > s.table_top + EPS:
                out.append(f"{where}: objective text runs into the table")
            if width(s.attainment, s.attainment_size, bold=True) > 140.0 + EPS or width(s.attainment_label, s.label_size) > 140.0 + EPS:
                out.append(f"{where}: badge text overflows")
            for row in s.table.rows:
                if row.height + EPS < r._cell_height(row.cells, row.size, tuple(c.width for c in s.table.columns)):
                    out.append(f"{where}: a row is shorter than its text")
            end = s.table_top + s.table.header_height + sum(row.height for row in s.table.rows)
            if end > r.TABLE_BOTTOM + EPS:
                out.append(f"{where}: table ends at {end:.0f} pt, below {r.TABLE_BOTTOM}")
        elif isinstance(s, r.Comments):
            end = r.COMMENT_TOP + sum(r._comment_height(i) for i in s.items) - (r.COMMENT_GAP if s.items else 0)
            if end > r.TABLE_BOTTOM + EPS:
                out.append(f"{where}: comments end at {end:.0f} pt")
    return out
