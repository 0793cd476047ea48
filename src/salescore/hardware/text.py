"""Device text: transliteration for code pages that lack a character, word wrapping, byte limits.

Shared by every device that prints text: the ESC/POS receipt printer and the
Shtrih-M fiscal register (whose item names are wrapped over print lines in
CP1251). A receipt printer prints single-byte code pages. A character the page lacks
is first looked up in a transliteration table — typographic quotes become
``"``, the euro sign ``EUR``, a dash ``-`` — and only a character with no
spelling the page can print becomes the profile's replacement (``?``). The
table gives alternatives in order, so ``₽`` prints as ``руб.`` where the page
has Cyrillic and ``RUB`` where it has not (PC437 has ``«»`` but no Cyrillic):

>>> printable("«Ромашка» — 5 €, № 7 ₽", "cp866")
'"Ромашка" - 5 EUR, № 7 руб.'
>>> printable("«Ромашка» — 5 €, № 7 ₽", "cp437")
'«???????» - 5 EUR, N 7 RUB'
>>> printable("«Ромашка» — 5 €", "cp1251")
'«Ромашка» — 5 €'

Long item names are wrapped at word boundaries to the printer's width; a
word longer than a whole line is split, because there is no better place:

>>> wrap_text("Хлеб бородинский нарезанный в упаковке", 16)
['Хлеб бородинский', 'нарезанный в', 'упаковке']
>>> item_lines("Сыр российский 45% весовой", "1 x 689,90", 20)
['Сыр российский 45%', 'весовой   1 x 689,90']

With an ``encoding`` the width counts the bytes the device receives, and a
word too long for a line is split between characters, never inside one
(UTF-8 takes two bytes for a Cyrillic letter, CP1251 one):

>>> wrap_text("Молоко ультрапастеризованное", 12, encoding="cp1251")
['Молоко', 'ультрапастер', 'изованное']
>>> wrap_text("Молоко ультрапастеризованное", 12, encoding="utf-8")
['Молоко', 'ультра', 'пастер', 'изован', 'ное']
>>> fit_bytes("Сметана 20%", 7, "utf-8")
'Сме'
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping
from types import MappingProxyType

from salescore.errors import InvalidInputError

__all__ = ["TRANSLITERATION", "fit_bytes", "item_lines", "printable", "wrap_text"]

#: Spellings for characters a code page may lack, best first. Every character
#: of the last spelling is plain ASCII, so some spelling always prints.
TRANSLITERATION: Mapping[str, tuple[str, ...]] = MappingProxyType(
    {
        "«": ('"',),
        "»": ('"',),
        "„": ('"',),
        "“": ('"',),
        "”": ('"',),
        "‟": ('"',),
        "″": ('"',),
        "‘": ("'",),
        "’": ("'",),
        "‚": ("'",),
        "‛": ("'",),
        "′": ("'",),
        "‹": ("<",),
        "›": (">",),
        "—": ("-",),
        "–": ("-",),
        "‒": ("-",),
        "―": ("-",),
        "‐": ("-",),
        "‑": ("-",),
        "−": ("-",),
        "…": ("...",),
        "€": ("EUR",),
        "₽": ("руб.", "RUB"),
        "£": ("GBP",),
        "¥": ("JPY",),
        "№": ("N",),
        "×": ("x",),
        "÷": (":",),
        "·": (".",),
        "•": ("*",),
        "°": ("град.", "deg"),
        "±": ("+/-",),
        "©": ("(c)",),
        "®": ("(R)",),
        "™": ("TM",),
        "½": ("1/2",),
        "¼": ("1/4",),
        "¾": ("3/4",),
        "‰": ("o/oo",),
        "\u00a0": (" ",),
        "\u2007": (" ",),
        "\u2009": (" ",),
        "\u202f": (" ",),
        "\u200b": ("",),
        "\u00ad": ("",),
        "І": ("I",),
        "і": ("i",),
        "Ґ": ("Г", "G"),
        "ґ": ("г", "g"),
    }
)


def _fits(text: str, codec: str) -> bool:
    try:
        text.encode(codec)
    except UnicodeEncodeError:
        return False
    return True


_CONTROLS = re.compile("[\x00-\x1f\x7f-\x9f]")


@functools.lru_cache(maxsize=4096)
def _spell(char: str, codec: str, replacement: str) -> str:
    if _CONTROLS.match(char):
        return replacement
    if _fits(char, codec):
        return char
    return next((s for s in TRANSLITERATION.get(char, ()) if _fits(s, codec)), replacement)


def printable(text: str, codec: str, replacement: str = "?") -> str:
    """``text`` spelt in characters ``codec`` has, one byte per character.

    Characters the code page lacks are transliterated (:data:`TRANSLITERATION`);
    what has no spelling, and every control character, becomes ``replacement``
    — visible, never dropped, and never a printer command.
    """
    if not _CONTROLS.search(text) and _fits(text, codec):
        return text
    return "".join(_spell(char, codec, replacement) for char in text)


def _size(text: str, encoding: str | None) -> int:
    return len(text) if encoding is None else len(text.encode(encoding))


def fit_bytes(text: str, limit: int, encoding: str) -> str:
    """The longest start of ``text`` whose ``encoding`` is at most ``limit`` bytes.

    Cuts between characters, never inside a multi-byte one. ``text`` must be
    encodable (pass it through :func:`printable` first).
    """
    if limit < 0:
        raise InvalidInputError(f"byte limit must not be negative, got {limit}")
    if len(text.encode(encoding)) <= limit:
        return text
    size = 0
    for index, char in enumerate(text):
        size += len(char.encode(encoding))
        if size > limit:
            return text[:index]
    return text  # pragma: no cover - the whole text fits, returned above


def wrap_text(text: str, width: int, *, encoding: str | None = None) -> list[str]:
    """Split ``text`` into lines of at most ``width`` characters at spaces.

    With ``encoding``, ``width`` counts the bytes of each line in that
    encoding (a device's text field), and a split never falls inside a
    multi-byte character. Runs of spaces collapse to one; a word longer than
    ``width`` is split. An empty text is one empty line.
    """
    if width < 1:
        raise InvalidInputError(f"line width must be at least 1 character, got {width}")
    lines: list[str] = []
    current = ""
    for word in text.split():
        while _size(word, encoding) > width:
            if current:
                lines.append(current)
                current = ""
            head = word[:width] if encoding is None else fit_bytes(word, width, encoding)
            if not head:
                raise InvalidInputError(
                    f"{word[0]!r} takes more than {width} bytes in {encoding}: widen the line",
                    width=width,
                )
            lines.append(head)
            word = word[len(head) :]
        if not word:
            continue
        if not current:
            current = word
        elif _size(current, encoding) + 1 + _size(word, encoding) <= width:
            current += " " + word
        else:
            lines.append(current)
            current = word
    if current or not lines:
        lines.append(current)
    return lines


def item_lines(name: str, right: str, width: int, max_lines: int = 4) -> list[str]:
    """A receipt item: ``name`` wrapped on the left, ``right`` (quantity, sum) flush right.

    ``right`` goes on the name's last line when both fit with a space between,
    otherwise on a line of its own.

    Raises:
        InvalidInputError: the item would take more than ``max_lines`` lines,
            or ``right`` alone is wider than the paper.
    """
    if len(right) > width:
        raise InvalidInputError(
            f"receipt item {name!r}: {right!r} is {len(right)} characters, wider than the "
            f"{width}-character line; use a smaller font or a wider printer profile",
            item=name,
        )
    lines = wrap_text(name, width)
    last = lines[-1]
    if len(last) + 1 + len(right) <= width:
        lines[-1] = last + " " * (width - len(last) - len(right)) + right
    else:
        lines.append(right.rjust(width))
    if len(lines) > max_lines:
        raise InvalidInputError(
            f"receipt item {name!r} needs {len(lines)} lines at {width} characters, more "
            f"than the {max_lines} this printer profile allows; shorten the item's name "
            "(the receipt name of the product)",
            item=name,
            lines=len(lines),
        )
    return lines
