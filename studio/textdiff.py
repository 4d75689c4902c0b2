"""Text comparison for people: side-by-side rows (versions, conflicts) and
a line-based three-way merge (a draft saved by two people at once).

difflib's HtmlDiff writes its own table with empty header cells and fixed
markup; these rows go into the studio's own accessible table instead.
"""

import difflib
from dataclasses import dataclass


@dataclass(frozen=True)
class DiffRow:
    left_number: int | None
    left: str
    right_number: int | None
    right: str
    kind: str  # same | changed | removed | added


def side_by_side(before: str, after: str) -> list[DiffRow]:
    """Rows pairing the lines of `before` and `after`; changed blocks line up
    row by row, with blank cells where one side has fewer lines."""
    old, new = before.splitlines(), after.splitlines()
    rows: list[DiffRow] = []
    matcher = difflib.SequenceMatcher(a=old, b=new, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            rows.extend(
                DiffRow(i + 1, old[i], j + 1, new[j], "same") for i, j in zip(range(i1, i2), range(j1, j2), strict=True)
            )
            continue
        span = max(i2 - i1, j2 - j1)
        for offset in range(span):
            i, j = i1 + offset, j1 + offset
            left = (i + 1, old[i]) if i < i2 else (None, "")
            right = (j + 1, new[j]) if j < j2 else (None, "")
            kind = "changed" if left[0] and right[0] else ("removed" if left[0] else "added")
            rows.append(DiffRow(left[0], left[1], right[0], right[1], kind))
    return rows


def changed(rows: list[DiffRow]) -> int:
    return sum(row.kind != "same" for row in rows)


def _changes(base: list[str], other: list[str]) -> list[tuple[int, int, list[str]]]:
    """(start, end, replacement) in `base` coordinates for each change."""
    matcher = difflib.SequenceMatcher(a=base, b=other, autojunk=False)
    return [(i1, i2, other[j1:j2]) for tag, i1, i2, j1, j2 in matcher.get_opcodes() if tag != "equal"]


def merge3(base: str, mine: str, theirs: str) -> tuple[str, int]:
    """Merge two edits of `base`, line by line: a change only one side made is
    taken; where both sides changed the same or touching lines differently,
    the result holds both between conflict markers (as git does). Returns
    the text and the number of conflicts."""
    if mine == theirs:
        return mine, 0
    base_lines = base.splitlines(keepends=True)
    changes = sorted(
        [(*c, "mine") for c in _changes(base_lines, mine.splitlines(keepends=True))]
        + [(*c, "theirs") for c in _changes(base_lines, theirs.splitlines(keepends=True))],
        key=lambda c: (c[0], c[1]),
    )
    merged: list[str] = []
    conflicts = 0
    position = 0
    index = 0
    while index < len(changes):
        # A cluster: changes that overlap or touch, from either side.
        start, end = changes[index][0], changes[index][1]
        cluster = [changes[index]]
        index += 1
        while index < len(changes) and changes[index][0] <= end:
            end = max(end, changes[index][1])
            cluster.append(changes[index])
            index += 1
        merged.extend(base_lines[position:start])
        mine_hunk = [c[:3] for c in cluster if c[3] == "mine"]
        their_hunk = [c[:3] for c in cluster if c[3] == "theirs"]
        mine_text = _apply(base_lines, start, end, mine_hunk)
        their_text = _apply(base_lines, start, end, their_hunk)
        if not their_hunk or mine_text == their_text:
            merged.extend(mine_text)
        elif not mine_hunk:
            merged.extend(their_text)
        else:
            conflicts += 1
            merged.append("<<<<<<< yours\n")
            merged.extend(_ended(mine_text))
            merged.append("=======\n")
            merged.extend(_ended(their_text))
            merged.append(">>>>>>> saved by someone else\n")
        position = end
    merged.extend(base_lines[position:])
    return "".join(merged), conflicts


def _apply(base: list[str], start: int, end: int, hunk: list[tuple[int, int, list[str]]]) -> list[str]:
    """Lines start..end of `base` with one side's changes inside them applied."""
    out: list[str] = []
    position = start
    for c_start, c_end, replacement in hunk:
        out.extend(base[position:c_start])
        out.extend(replacement)
        position = c_end
    out.extend(base[position:end])
    return out


def _ended(lines: list[str]) -> list[str]:
    """A block between conflict markers must end its last line."""
    if lines and not lines[-1].endswith("\n"):
        return [*lines[:-1], lines[-1] + "\n"]
    return lines
