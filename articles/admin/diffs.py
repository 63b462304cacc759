"""Changes as the desk reads them: short values side by side (before, after), long texts as one
text with the words taken out and put in marked, so a changed word in a long body is found at
a glance."""

import re
from dataclasses import dataclass
from difflib import SequenceMatcher

from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe

# Texts longer than this, or of several lines, are shown as one text with word-level changes.
LONG_TEXT = 120
WORDS = re.compile(r"\s+|\w+|[^\w\s]")


@dataclass(frozen=True)
class DiffRow:
    what: str
    before: str = ""
    after: str = ""
    words: SafeString | None = None  # a long text: one text with its changes marked


def word_diff(before: str, after: str) -> SafeString:
    """``after`` with the words ``before`` had and it lost in ``<del>``, the new ones in
    ``<ins>`` (escaped: texts are data)."""
    old, new = WORDS.findall(before), WORDS.findall(after)
    parts = []
    matcher = SequenceMatcher(None, old, new, autojunk=False)
    for operation, i1, i2, j1, j2 in matcher.get_opcodes():
        if operation == "equal":
            parts.append(escape("".join(old[i1:i2])))
            continue
        if i2 > i1:
            parts.append(format_html("<del>{}</del>", "".join(old[i1:i2])))
        if j2 > j1:
            parts.append(format_html("<ins>{}</ins>", "".join(new[j1:j2])))
    return mark_safe("".join(parts))


def diff_rows(changes) -> list[DiffRow]:
    """``(what, before, after)`` changes as rows; long texts with word-level changes."""
    rows = []
    for what, before, after in changes or ():
        long = max(len(before), len(after)) > LONG_TEXT or "\n" in before + after
        if long and before and after:
            rows.append(DiffRow(what, words=word_diff(before, after)))
        else:
            rows.append(DiffRow(what, before, after))
    return rows
