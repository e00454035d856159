"""A sorted index of a document's spans by paragraph, for painting and hit tests.

The text view paints only the paragraphs (QTextBlocks) on screen, so it needs
"which spans touch block n" in O(spans there), and an edit must touch only the
blocks of the spans it changed. :class:`SpanIndex` keeps, for every block, the
spans overlapping it sorted by ``(start, -end, id)``; adding or removing a span
updates the few blocks it covers. It is Qt-free: blocks are given as the code
point offsets where they start (see :class:`gui.unicode.Utf16Map`).

Per block it also derives, lazily and cached until a span there changes:

* *lanes*: the nesting depth used for stacked underlines (an outer span gets a
  lower lane than what it contains; overlapping spans get distinct lanes);
* *segments*: the block cut into stretches, each with the innermost span
  covering it (the one painted as background tint).
"""

from __future__ import annotations

import gc
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Iterator, Sequence
from itertools import accumulate, islice, pairwise
from operator import attrgetter, itemgetter, le

from storage.views import SpanView

__all__ = ["SpanIndex"]

_Key = tuple[int, int, int]  # (start, -end, span id)
_FRAGMENTS = attrgetter("fragments")
_ID = attrgetter("id")
_FIRST, _SECOND, _LAST = itemgetter(0), itemgetter(1), itemgetter(-1)


def _span_start(span: SpanView) -> int:
    return span.fragments[0][0]


class SpanIndex:
    """Spans of one layer of one document, looked up by block and by offset.

    Internally the spans sorted by start over the whole document (the storage
    API already returns them so: no sort then), their starts, and the running
    maximum of their ends. The spans of a block are those starting inside it
    (two bisects) plus those starting earlier that reach into it (found walking
    back while the running maximum exceeds the block start: no step at all when
    spans stay within paragraphs), sorted by ``(start, -end, id)`` and cached
    per block until a span there changes. Building the index runs at C speed
    (``map`` over getters, ``accumulate``), so opening a document with 10,000
    spans costs a few milliseconds; an edit costs one list insertion and a
    running maximum over the later spans.

    Args:
        block_starts: Code point offset of the first character of every block,
            ascending, starting with 0.
        text_length: Length of the text in code points.
        spans: Initial spans.
    """

    def __init__(self, block_starts: Sequence[int], text_length: int,
                 spans: Iterable[SpanView] = ()) -> None:
        self._block_starts = list(block_starts) or [0]
        self._text_length = text_length
        self._spans: dict[int, SpanView] = {}
        # All spans sorted by start, their starts, and _reach[i], the largest end
        # among _ordered[0..i], to find spans reaching into a later paragraph.
        self._ordered: list[SpanView] = []
        self._starts: list[int] = []
        self._reach: list[int] = []
        self._by_block: dict[int, list[_Key]] = {}
        self._lanes: dict[int, dict[int, int]] = {}
        self._segments: dict[int, list[tuple[int, int, int]]] = {}
        self._bulk_load(spans)

    def __len__(self) -> int:
        return len(self._spans)

    def __contains__(self, span_id: object) -> bool:
        return span_id in self._spans

    def __iter__(self) -> Iterator[SpanView]:
        return iter(self._spans.values())

    def get(self, span_id: int) -> SpanView | None:
        """The span with this id, or None."""
        return self._spans.get(span_id)

    def block_of(self, offset: int) -> int:
        """The block holding code point ``offset``."""
        return max(0, bisect_right(self._block_starts, offset) - 1)

    def blocks_of(self, span: SpanView) -> range:
        """The blocks a span's extent touches (gaps between fragments included)."""
        first = self.block_of(span.start)
        last = self.block_of(max(span.start, span.end - 1))
        return range(first, last + 1)

    def block_range(self, block_number: int) -> tuple[int, int]:
        """Code point ``(start, end)`` of a block's text, without its separator."""
        start = self._block_starts[block_number]
        if block_number + 1 < len(self._block_starts):
            return start, self._block_starts[block_number + 1] - 1
        return start, self._text_length

    def _bulk_load(self, spans: Iterable[SpanView]) -> None:
        """Fills the index with one sort and one running maximum (both at C speed)."""
        collecting = gc.isenabled()
        gc.disable()  # thousands of new tuples would trigger needless collections
        try:
            self._fill(spans)
        finally:
            if collecting:
                gc.enable()

    def _fill(self, spans: Iterable[SpanView]) -> None:
        ordered = list(spans)
        # map() with attrgetter/itemgetter runs at C speed: no Python frame per span.
        starts = list(map(_FIRST, map(_FIRST, map(_FRAGMENTS, ordered))))
        if not all(map(le, starts, islice(starts, 1, None))):
            ordered.sort(key=_span_start)
            starts = list(map(_FIRST, map(_FIRST, map(_FRAGMENTS, ordered))))
        self._spans = dict(zip(map(_ID, ordered), ordered, strict=True))
        self._ordered = ordered
        self._starts = starts
        self._reach = list(accumulate(map(_SECOND, map(_LAST, map(_FRAGMENTS, ordered))), max))

    def _reach_after_insert(self, position: int, end: int) -> None:
        """Running maximum after inserting a span ending at ``end`` at ``position``.

        Only the entries below ``end`` change, and they come first (the running
        maximum never decreases): usually none at all.
        """
        reach = self._reach
        previous = reach[position - 1] if position > 0 else 0
        reach.insert(position, max(previous, end))
        index = position + 1
        while index < len(reach) and reach[index] < end:
            reach[index] = end
            index += 1

    def _reach_after_delete(self, position: int) -> None:
        """Running maximum after deleting the entry at ``position``: recomputed
        forward until it meets its old value, after which nothing changes."""
        reach, ordered = self._reach, self._ordered
        del reach[position]
        previous = reach[position - 1] if position > 0 else 0
        for index in range(position, len(reach)):
            value = max(previous, ordered[index].fragments[-1][1])
            if value == reach[index]:
                break
            reach[index] = previous = value

    def _forget_block(self, block: int) -> None:
        self._by_block.pop(block, None)
        self._lanes.pop(block, None)
        self._segments.pop(block, None)

    def _insert(self, span: SpanView) -> range:
        self._spans[span.id] = span
        position = bisect_right(self._starts, span.start)
        self._starts.insert(position, span.start)
        self._ordered.insert(position, span)
        self._reach_after_insert(position, span.end)
        blocks = self.blocks_of(span)
        for block in blocks:
            self._forget_block(block)
        return blocks

    def add(self, span: SpanView) -> set[int]:
        """Adds or replaces a span; returns the blocks to repaint (old and new)."""
        touched = self.remove(span.id)
        touched.update(self._insert(span))
        return touched

    def remove(self, span_id: int) -> set[int]:
        """Removes a span if present; returns the blocks it covered."""
        span = self._spans.pop(span_id, None)
        if span is None:
            return set()
        low = bisect_left(self._starts, span.start)
        high = bisect_right(self._starts, span.start, low)
        for position in range(low, high):
            if self._ordered[position].id == span_id:
                del self._starts[position]
                del self._ordered[position]
                self._reach_after_delete(position)
                break
        blocks = self.blocks_of(span)
        for block in blocks:
            self._forget_block(block)
        return set(blocks)

    def _block_keys(self, block_number: int) -> list[_Key]:
        cached = self._by_block.get(block_number)
        if cached is not None:
            return cached
        if not 0 <= block_number < len(self._block_starts):
            return []
        block_start = self._block_starts[block_number]
        low = bisect_left(self._starts, block_start)
        if block_number + 1 < len(self._block_starts):
            high = bisect_left(self._starts, self._block_starts[block_number + 1], low)
        else:
            high = len(self._starts)
        spans = self._ordered[low:high]
        index = low - 1
        while index >= 0 and self._reach[index] > block_start:
            if self._ordered[index].end > block_start:
                spans.append(self._ordered[index])
            index -= 1
        keys = sorted([(span.fragments[0][0], -span.fragments[-1][1], span.id)
                       for span in spans])
        self._by_block[block_number] = keys
        return keys

    def in_block(self, block_number: int) -> list[SpanView]:
        """Spans overlapping a block, sorted by start (outer before inner)."""
        return [self._spans[key[2]] for key in self._block_keys(block_number)]

    def in_blocks(self, first: int, last: int) -> list[SpanView]:
        """Spans overlapping blocks ``first..last`` (inclusive), each once."""
        seen: dict[int, SpanView] = {}
        for block in range(first, last + 1):
            for key in self._block_keys(block):
                seen.setdefault(key[2], self._spans[key[2]])
        return list(seen.values())

    def lanes(self, block_number: int) -> dict[int, int]:
        """Nesting lane of each span in a block: 0 for the outermost, then 1, 2...

        Greedy interval colouring in start order: a span takes the lowest lane
        whose previous occupant ended before it starts.
        """
        cached = self._lanes.get(block_number)
        if cached is not None:
            return cached
        lane_ends: list[int] = []
        lanes: dict[int, int] = {}
        for start, negative_end, span_id in self._block_keys(block_number):
            for lane, lane_end in enumerate(lane_ends):
                if lane_end <= start:
                    lane_ends[lane] = -negative_end
                    lanes[span_id] = lane
                    break
            else:
                lanes[span_id] = len(lane_ends)
                lane_ends.append(-negative_end)
        self._lanes[block_number] = lanes
        return lanes

    def depth(self, block_number: int) -> int:
        """How many lanes a block needs (0 when it has no span)."""
        lanes = self.lanes(block_number)
        return max(lanes.values()) + 1 if lanes else 0

    def segments(self, block_number: int) -> list[tuple[int, int, int]]:
        """The block's marked stretches as ``(start, end, innermost span id)``.

        Offsets are code points (document-wide), clipped to the block; the
        innermost span is the covering one in the highest lane.
        """
        cached = self._segments.get(block_number)
        if cached is not None:
            return cached
        block_start, block_end = self.block_range(block_number)
        lanes = self.lanes(block_number)
        pieces: list[tuple[int, int, int]] = []
        cuts: set[int] = set()
        for span in self.in_block(block_number):
            for start, end in span.fragments:
                start, end = max(start, block_start), min(end, block_end)
                if start < end:
                    pieces.append((start, end, span.id))
                    cuts.update((start, end))
        segments: list[tuple[int, int, int]] = []
        if pieces:
            ordered = sorted(cuts)
            for left, right in pairwise(ordered):
                best_id, best_lane = -1, -1
                for start, end, span_id in pieces:
                    if start <= left and right <= end and lanes[span_id] > best_lane:
                        best_id, best_lane = span_id, lanes[span_id]
                if best_id >= 0:
                    if segments and segments[-1][1] == left and segments[-1][2] == best_id:
                        segments[-1] = (segments[-1][0], right, best_id)
                    else:
                        segments.append((left, right, best_id))
        self._segments[block_number] = segments
        return segments

    def spans_at(self, offset: int) -> list[SpanView]:
        """Spans with a fragment covering the character at ``offset``, innermost first.

        Innermost means the shortest covering fragment; ties go to the later
        start, then the higher id (the newer span).
        """
        found: list[tuple[int, int, int, SpanView]] = []
        for span in self.in_block(self.block_of(offset)):
            for start, end in span.fragments:
                if start <= offset < end:
                    found.append((end - start, -start, -span.id, span))
                    break
        found.sort(key=lambda item: item[:3])
        return [item[3] for item in found]
