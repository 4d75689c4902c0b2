"""Hidden text: what an attacker encodes to get instructions past filters.

The injection rules (safety/injection.py) scan every decoded view as well
as the text itself. Product text does not carry readable sentences in
base64, hex, Morse or Braille, nor lines that read better backwards or
shifted through the alphabet, so a decoded view that reads as words is a
finding of its own (`hidden_text`), whatever it says: a rule needs no
phrasing of the attack to catch it.

Decoders: base64, base32, hex, percent-encoding, Unicode tag characters,
Morse, Braille, the NATO spelling alphabet, reversed lines, Caesar shifts
(rot13 among them), l33tspeak and s p a c e d letters.
"""

import base64
import binascii
import codecs
import re
from collections.abc import Iterator
from urllib.parse import unquote

from safety.names import gazetteer

BASE64_RUN = re.compile(r"[A-Za-z0-9+/]{24,}={0,2}")
BASE32_RUN = re.compile(r"\b[A-Z2-7]{16,}={0,6}")
HEX_RUN = re.compile(r"\b(?:[0-9a-fA-F]{2}[\s:]?){10,}")
PERCENT_RUN = re.compile(r"(?:[^\s%]*%[0-9a-fA-F]{2}){3,}[^\s%]*")
TAG = re.compile("[\U000e0020-\U000e007e]")
MORSE_RUN = re.compile(r"(?:[.\-\u2022\u2013]{1,6}[ /|]+){5,}[.\-\u2022\u2013]{1,6}")
BRAILLE_RUN = re.compile("[\u2800-\u28ff][\u2800-\u28ff ]{4,}")
LEET_WORD = re.compile(r"\b(?=\w*[a-zA-Z])(?=\w*[013457])\w+\b")
LEET_BACK = str.maketrans("013457", "oieast")
SPACED_LETTERS = re.compile(r"\b(?:\w ){3,}\w\b")
LETTER_WORD = re.compile(r"[A-Za-z]{2,}")
SENTENCE_END = re.compile(r"(?<=[.!?])\s+")
MORSE = {
    ".-": "a", "-...": "b", "-.-.": "c", "-..": "d", ".": "e", "..-.": "f", "--.": "g", "....": "h",
    "..": "i", ".---": "j", "-.-": "k", ".-..": "l", "--": "m", "-.": "n", "---": "o", ".--.": "p",
    "--.-": "q", ".-.": "r", "...": "s", "-": "t", "..-": "u", "...-": "v", ".--": "w", "-..-": "x",
    "-.--": "y", "--..": "z", "-----": "0", ".----": "1", "..---": "2", "...--": "3", "....-": "4",
    ".....": "5", "-....": "6", "--...": "7", "---..": "8", "----.": "9", "-....-": "-",
}  # fmt: skip
# Braille letters a-z as dot patterns (offsets from U+2800).
BRAILLE = dict(
    zip(
        [1, 3, 9, 25, 17, 11, 27, 19, 10, 26, 5, 7, 13, 29, 21, 15, 31, 23, 14, 30, 37, 39, 58, 45, 61, 53],
        "abcdefghijklmnopqrstuvwxyz",
        strict=True,
    )
)
NATO = {
    "alfa": "a", "alpha": "a", "bravo": "b", "charlie": "c", "delta": "d", "echo": "e", "foxtrot": "f",
    "golf": "g", "hotel": "h", "india": "i", "juliet": "j", "juliett": "j", "kilo": "k", "lima": "l",
    "mike": "m", "november": "n", "oscar": "o", "papa": "p", "quebec": "q", "romeo": "r", "sierra": "s",
    "tango": "t", "uniform": "u", "victor": "v", "whiskey": "w", "x-ray": "x", "xray": "x", "yankee": "y",
    "zulu": "z", "zero": "0", "one": "1", "two": "2", "three": "3", "four": "4", "five": "5", "six": "6",
    "seven": "7", "eight": "8", "nine": "9", "niner": "9", "dash": "-", "hyphen": "-",
}  # fmt: skip
NATO_RUN = re.compile(r"(?i)\b(?:(?:" + "|".join(map(re.escape, NATO)) + r")[\s,]+){4,}(?:" + "|".join(NATO) + r")\b")
READABLE = 0.6  # the share of a view's words that are English words for it to read as text


def word_share(text: str) -> float:
    """The share of the text's letter words that are English words."""
    words = [w.lower() for w in LETTER_WORD.findall(text)]
    if len(words) < 3:
        return 0.0
    known = gazetteer()
    return sum(known.is_word(w) for w in words) / len(words)


def _bytes_text(raw: bytes) -> str | None:
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        return None
    return text if text and sum(ch.isprintable() or ch.isspace() for ch in text) >= 0.9 * len(text) else None


def _encoded(text: str) -> Iterator[tuple[str, str]]:
    """(encoding, decoded) for each run of an encoding that decodes cleanly."""
    for run in BASE64_RUN.findall(text):
        try:
            decoded = _bytes_text(base64.b64decode(run + "=" * (-len(run) % 4)))
        except (binascii.Error, ValueError):
            decoded = None
        if decoded:
            yield "base64", decoded
    for run in BASE32_RUN.findall(text):
        try:
            decoded = _bytes_text(base64.b32decode(run + "=" * (-len(run) % 8)))
        except (binascii.Error, ValueError):
            decoded = None
        if decoded:
            yield "base32", decoded
    for run in HEX_RUN.findall(text):
        digits = re.sub(r"[\s:]", "", run)
        decoded = _bytes_text(bytes.fromhex(digits[: len(digits) // 2 * 2]))
        if decoded:
            yield "hex", decoded
    for run in PERCENT_RUN.findall(text):
        if "://" not in run and "www." not in run:  # a link's own escapes are not hidden text
            yield "url-encoded", unquote(run)
    if len(TAG.findall(text)) >= 4:
        yield "unicode-tags", TAG.sub(lambda m: chr(ord(m[0]) - 0xE0000), text)
    for run in MORSE_RUN.findall(text):
        symbols = run.replace("\u2022", ".").replace("\u2013", "-")
        words = re.split(r"\s*[/|]\s*|\s{3,}", symbols.strip())
        yield "morse", " ".join("".join(MORSE.get(code, "") for code in word.split()) for word in words)
    for run in BRAILLE_RUN.findall(text):
        yield "braille", "".join(BRAILLE.get(ord(ch) - 0x2800, " ") for ch in run)
    for run in NATO_RUN.findall(text):
        yield "nato", "".join(NATO[word.lower()] for word in re.split(r"[\s,]+", run.strip()))


def _caesar(text: str, shift: int) -> str:
    def turn(ch: str) -> str:
        if "a" <= ch <= "z":
            return chr((ord(ch) - 97 + shift) % 26 + 97)
        if "A" <= ch <= "Z":
            return chr((ord(ch) - 65 + shift) % 26 + 65)
        return ch

    return "".join(turn(ch) for ch in text)


def _rewritten_lines(text: str) -> Iterator[tuple[str, str]]:
    """Sentences that read as English only backwards or shifted through the alphabet."""
    for sentence in (part for line in text.splitlines() for part in SENTENCE_END.split(line)):
        if len(LETTER_WORD.findall(sentence)) < 4 or word_share(sentence) >= 0.3:
            continue
        backwards = sentence[::-1]
        if word_share(backwards) >= READABLE:
            yield "reversed", backwards
            continue
        for shift in range(1, 26):
            shifted = _caesar(sentence, shift)
            if word_share(shifted) >= READABLE:
                yield ("rot13" if shift == 13 else f"caesar-{26 - shift}"), shifted
                break


def decoded_views(text: str) -> list[tuple[str, str, bool]]:
    """(layer, decoded text, hidden) for each view of `text` worth scanning;
    `hidden` marks a view that an encoding concealed and that reads as text."""
    views = [(layer, decoded, word_share(decoded) >= READABLE) for layer, decoded in _encoded(text)]
    views += [(layer, decoded, True) for layer, decoded in _rewritten_lines(text)]
    # Whole-text views for the rules, in any language: rot13, and every line backwards.
    views.append(("rot13", codecs.decode(text, "rot13"), False))
    views.append(("reversed", "\n".join(line[::-1] for line in text.splitlines()), False))
    # L33t: digits read as the letters they stand for, inside words that mix both.
    leet = LEET_WORD.sub(lambda m: m.group(0).translate(LEET_BACK), text)
    if leet != text:
        views.append(("leetspeak", leet, False))
    joined = SPACED_LETTERS.sub(lambda m: m.group(0).replace(" ", ""), text)
    if joined != text:
        views.append(("spaced", joined, False))
    return views
