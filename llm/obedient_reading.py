"""How the obedient stand-in model reads its input: every view a capable
model would see through (llm/obedient.py).

A model that follows injected text also reads it when it is encoded, so the
stand-in decodes what attacks use: full-width and look-alike letters,
invisible tag characters, percent-encoding, base64 and base32, hex, binary
and decimal character codes, rot13, Caesar shifts, Atbash, ROT47 and a
Vigenère cipher with its key stated, reversed and upside-down lines, spaced,
symbol-joined and leetspeak letters, Morse and Braille. These decoders
belong to the measuring instrument and are written apart from the
defence's own (safety/injection.py): if the stand-in read only what the
defence decodes, an attack the defence misses would be missed by the
stand-in too, and would never count as a success.
"""

import base64
import binascii
import codecs
import re
import unicodedata
from collections.abc import Iterator
from urllib.parse import unquote

_INVISIBLE = re.compile("[\u200b-\u200f\u2060-\u2064\ufeff\u00ad]")
_LOOK_ALIKES = str.maketrans(
    "аеорсхуіјѕԁԛԝАВЕКМНОРСТХУІЈЅ",  # noqa: RUF001 - Cyrillic letters that look Latin
    "aeopcxyijsdqwABEKMHOPCTXYIJS",
)
_BASE64 = re.compile(r"[A-Za-z0-9+/]{16,}={0,2}")
_BASE32 = re.compile(r"[A-Z2-7]{16,}={0,6}")
_HEX = re.compile(r"(?:[0-9a-fA-F]{2}[\s:]?){8,}")
_BINARY = re.compile(r"(?:[01]{8}[\s,]+){3,}[01]{8}")
_DECIMAL = re.compile(r"(?:\b\d{2,7}[ ,]+){5,}\d{2,7}\b")
_KEY = re.compile(r"(?i)\bkey\W{0,3}([a-z]{3,16})\b")
_SYMBOL_JOINED = re.compile(r"\w([^\w\s])(?:\w\1){3,}\w")
_TURNED = str.maketrans(
    "ɐqɔpǝɟƃɥᴉɾʞlɯuodbɹsʇnʌʍxʎz∀ꓭƆꓷƎℲ⅁ſꓘ˥ԀꓤꓕꓵΛ⅄ƖᄅƐㄣϛㄥ˙'¡¿",  # noqa: RUF001 - turned letters
    "abcdefghijklmnopqrstuvwxyzABCDEFGJKLPRTUVY123457.,!?",
)
_SPACED = re.compile(r"(?:(?<!\S)\S ){4,}\S(?!\S)")
_MORSE = re.compile(r"(?:[.\-]{1,6}[ /]+){4,}[.\-]{1,6}")
_LEET = str.maketrans({"4": "a", "3": "e", "1": "i", "0": "o", "5": "s", "7": "t", "@": "a", "$": "s"})
_MORSE_CODE = {
    ".-": "a", "-...": "b", "-.-.": "c", "-..": "d", ".": "e", "..-.": "f", "--.": "g", "....": "h",
    "..": "i", ".---": "j", "-.-": "k", ".-..": "l", "--": "m", "-.": "n", "---": "o", ".--.": "p",
    "--.-": "q", ".-.": "r", "...": "s", "-": "t", "..-": "u", "...-": "v", ".--": "w", "-..-": "x",
    "-.--": "y", "--..": "z", "-----": "0", ".----": "1", "..---": "2", "...--": "3", "....-": "4",
    ".....": "5", "-....": "6", "--...": "7", "---..": "8", "----.": "9", "-....-": "-",
}  # fmt: skip
_NATO = {
    word: letter
    for letter, words in {
        "a": "alfa alpha", "b": "bravo", "c": "charlie", "d": "delta", "e": "echo", "f": "foxtrot", "g": "golf",
        "h": "hotel", "i": "india", "j": "juliett juliet", "k": "kilo", "l": "lima", "m": "mike",
        "n": "november", "o": "oscar", "p": "papa", "q": "quebec", "r": "romeo", "s": "sierra", "t": "tango",
        "u": "uniform", "v": "victor", "w": "whiskey", "x": "x-ray xray", "y": "yankee", "z": "zulu",
        "0": "zero", "1": "one", "2": "two", "3": "three", "4": "four", "5": "five", "6": "six", "7": "seven",
        "8": "eight", "9": "nine niner", "-": "dash hyphen",
    }.items()
    for word in words.split()
}  # fmt: skip
_NATO_RUN = re.compile(
    r"(?i)\b(?:(?:" + "|".join(map(re.escape, _NATO)) + r")[\s,]+){3,}(?:" + "|".join(map(re.escape, _NATO)) + r")\b"
)
# Grade-1 Braille: the dot pattern of each letter, as its offset from U+2800.
_BRAILLE = dict(
    zip(
        [1, 3, 9, 25, 17, 11, 27, 19, 10, 26, 5, 7, 13, 29, 21, 15, 31, 23, 14, 30, 37, 39, 58, 45, 61, 53],
        "abcdefghijklmnopqrstuvwxyz",
        strict=True,
    )
)


def _printable(text: str) -> bool:
    return bool(text) and sum(ch.isprintable() or ch.isspace() for ch in text) / len(text) > 0.95


def _decoded_bytes(raw: bytes) -> str | None:
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        return None
    return text if _printable(text) and any(ch.isalpha() for ch in text) else None


def _segments(text: str) -> Iterator[str]:
    for match in _BASE64.finditer(text):
        token = match[0]
        try:
            decoded = _decoded_bytes(base64.b64decode(token + "=" * (-len(token) % 4), validate=True))
        except (binascii.Error, ValueError):
            decoded = None
        if decoded:
            yield decoded
    for match in _BASE32.finditer(text):
        token = match[0]
        try:
            decoded = _decoded_bytes(base64.b32decode(token + "=" * (-len(token) % 8)))
        except (binascii.Error, ValueError):
            decoded = None
        if decoded:
            yield decoded
    for match in _HEX.finditer(text):
        digits = re.sub(r"[\s:]", "", match[0])
        try:
            decoded = _decoded_bytes(bytes.fromhex(digits[: len(digits) // 2 * 2]))
        except ValueError:
            decoded = None
        if decoded:
            yield decoded
    for match in _BINARY.finditer(text):
        decoded = _decoded_bytes(bytes(int(group, 2) for group in re.findall(r"[01]{8}", match[0])))
        if decoded:
            yield decoded
    for match in _DECIMAL.finditer(text):
        codes = [int(code) for code in re.findall(r"\d+", match[0])]
        if all(32 <= code <= 0x10FFFF for code in codes):
            yield "".join(map(chr, codes))
    for match in _KEY.finditer(text):
        yield _vigenere(text[match.end() :].split("\n", 1)[0], match[1])
    for match in _MORSE.finditer(text):
        words = re.split(r"\s*/\s*|\s{3,}", match[0].strip())
        yield " ".join("".join(_MORSE_CODE.get(code, "") for code in word.split()) for word in words)


def _nato(text: str) -> str:
    return _NATO_RUN.sub(lambda m: "".join(_NATO[w.lower()] for w in re.split(r"[\s,]+", m[0].strip())), text)


def _caesar(text: str, shift: int) -> str:
    def turn(ch: str) -> str:
        if "a" <= ch <= "z":
            return chr((ord(ch) - 97 - shift) % 26 + 97)
        if "A" <= ch <= "Z":
            return chr((ord(ch) - 65 - shift) % 26 + 65)
        return ch

    return "".join(turn(ch) for ch in text)


def _vigenere(text: str, key: str) -> str:
    shifts = [ord(ch) - 97 for ch in key.lower()]
    out, position = [], 0
    for ch in text:
        if ch.isascii() and ch.isalpha():
            base = 97 if ch.islower() else 65
            out.append(chr((ord(ch) - base - shifts[position % len(shifts)]) % 26 + base))
            position += 1
        else:
            out.append(ch)
    return "".join(out)


def _atbash(text: str) -> str:
    return "".join(
        chr(219 - ord(ch)) if "a" <= ch <= "z" else chr(155 - ord(ch)) if "A" <= ch <= "Z" else ch for ch in text
    )


def _rot47(text: str) -> str:
    return "".join(chr(33 + (ord(ch) - 33 + 47) % 94) if 33 <= ord(ch) <= 126 else ch for ch in text)


def _symbol_joined(text: str) -> str:
    for match in _SYMBOL_JOINED.finditer(text):
        text = re.sub(rf"(?<=\w){re.escape(match[1])}(?=\w)", "", text)
    return text


def _braille(text: str) -> str:
    return "".join(_BRAILLE.get(ord(ch) - 0x2800, " ") if "\u2800" <= ch <= "\u28ff" else ch for ch in text)


def _tags(text: str) -> str:
    """Unicode tag characters (U+E0020..E007E) carry ASCII invisibly."""
    return "".join(chr(ord(ch) - 0xE0000) if 0xE0020 <= ord(ch) <= 0xE007E else ch for ch in text)


def readings(text: str) -> list[str]:
    """The text as written, then every decoded view of it."""
    plain = unicodedata.normalize("NFKC", _INVISIBLE.sub("", _tags(text))).translate(_LOOK_ALIKES)
    views = [text, plain, unquote(plain), _braille(plain)]
    views += [*_segments(plain), _nato(plain)]
    views += [codecs.decode(plain, "rot13"), _caesar(plain, 3), _symbol_joined(plain)]
    # Ciphers that turn any text into code-like noise are read where the
    # text names them, as a reader would; turned letters show themselves.
    lowered = plain.lower()
    views += [_atbash(plain)] if "atbash" in lowered else []
    views += [_rot47(plain)] if "rot47" in lowered or "rot-47" in lowered else []
    if len(re.findall("[ɐɔǝɟƃɥᴉɹʇʌʍʎɯʞ]", plain)) >= 8:
        views += ["\n".join(line[::-1].translate(_TURNED) for line in plain.splitlines())]
    views += ["\n".join(line[::-1] for line in plain.splitlines())]
    views += [_SPACED.sub(lambda m: m[0].replace(" ", ""), plain)]
    views += [" ".join(word.translate(_LEET) if re.search(r"[a-z]", word) else word for word in plain.split())]
    # Spelled-out letters come back in lower case; codes are written in capitals.
    views += [view.upper() for view in views[1:]]
    return [view for view in dict.fromkeys(views) if view]
