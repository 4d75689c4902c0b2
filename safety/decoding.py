"""Hidden text: what an attacker encodes to get instructions past filters.

The injection rules (safety/injection.py) scan every decoded view as well
as the text itself. Product text does not carry readable sentences in
base64, hex, Morse or Braille, nor lines that read better backwards or
shifted through the alphabet, so a decoded view that reads as words is a
finding of its own (`hidden_text`), whatever it says: a rule needs no
phrasing of the attack to catch it.

Decoders: base64, base32, hex, binary and decimal character codes,
percent-encoding, Unicode tag characters, Morse, Braille, the NATO spelling
alphabet, reversed and upside-down lines, Caesar shifts (rot13 among them),
Atbash, ROT47, a Vigenère cipher whose key the text states, Pig Latin, l33tspeak,
s p a c e d letters and letters joined by one repeated symbol (l.i.k.e or
l🍀i🍀k🍀e), and the first words of consecutive lines (an acrostic).

Text that only a byte encoding (base64, base32, hex, binary, decimal codes)
shows is hidden text in any language: a run of those that decodes to
words is concealment, whatever the words are. The letter ciphers are hidden
text when a line reads as English only after them.
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
BINARY_RUN = re.compile(r"\b(?:[01]{8}[\s,]+){5,}[01]{8}\b")
DECIMAL_RUN = re.compile(r"(?<![\d.,])(?:\d{2,7}[ ,]+){7,}\d{2,7}(?![\d.,])")
# One symbol (not a letter, digit or space) repeated between the letters of words.
JOINED_BY_SYMBOL = re.compile(r"\w([^\w\s])(?:\w\1){2,}\w")
UPSIDE_DOWN = str.maketrans(
    "ɐqɔpǝɟƃɥᴉɾʞlɯuodbɹsʇnʌʍxʎz∀ꓭƆꓷƎℲ⅁HIſꓘ˥WNOԀΌꓤSꓕꓵΛMX⅄Z0ƖᄅƐㄣϛ9ㄥ86¡¿˙'",  # noqa: RUF001 - turned letters
    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789!?.,",
)
UPSIDE_DOWN_LETTERS = re.compile("[ɐɔǝɟƃɥᴉɹʇʌʍʎɯʞ]")
# A key the text states for its cipher ("Vigenere cipher, key COPPER").
CIPHER_KEY = re.compile(
    r"(?i)\b(?:key|schlüssel|clé|clave|chiave|chave|sleutel|klucz|nyckel|nøgle|avain|anahtar|ключ)\b\W{0,3}([a-z]{3,16})\b"
)
LINE_HEAD = re.compile("^\\s*([^\\s\u2013\u2014-]+)\\s+[\u2013\u2014-]\\s", re.MULTILINE)
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
ATBASH = str.maketrans(
    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ", "zyxwvutsrqponmlkjihgfedcbaZYXWVUTSRQPONMLKJIHGFEDCBA"
)
READABLE = 0.6  # the share of a view's words that are English words for it to read as text


def word_share(text: str) -> float:
    """The share of the text's letter words that are English words."""
    words = [w.lower() for w in LETTER_WORD.findall(text)]
    if len(words) < 3:
        return 0.0
    known = gazetteer()
    return sum(known.is_word(w) for w in words) / len(words)


def reads_as_text(decoded: str) -> bool:
    """Decoded bytes that read as words in any script: English by the
    dictionary, other languages as runs of letters between spaces."""
    if word_share(decoded) >= READABLE:
        return True
    words = decoded.split()
    lettered = [w for w in words if sum(ch.isalpha() for ch in w) >= 2]
    letters = sum(ch.isalpha() for ch in decoded)
    return len(lettered) >= 4 and letters >= 0.6 * len(decoded.replace(" ", ""))


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
    for run in BINARY_RUN.findall(text):
        groups = re.findall(r"[01]{8}", run)
        decoded = _bytes_text(bytes(int(group, 2) for group in groups))
        if decoded:
            yield "binary", decoded
    for run in DECIMAL_RUN.findall(text):
        codes = [int(code) for code in re.findall(r"\d+", run)]
        if all(32 <= code <= 0x10FFFF for code in codes):
            decoded = "".join(map(chr, codes))
            if decoded.isprintable():
                yield "decimal-codes", decoded
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


def _caesar(text: str, shift: int) -> str:
    def turn(ch: str) -> str:
        if "a" <= ch <= "z":
            return chr((ord(ch) - 97 + shift) % 26 + 97)
        if "A" <= ch <= "Z":
            return chr((ord(ch) - 65 + shift) % 26 + 65)
        return ch

    return "".join(turn(ch) for ch in text)


def _reads_english(text: str) -> bool:
    """Stricter than word_share for a cipher's output: at least four words of
    three letters or more, most of them English (short letter runs read as
    words by chance in the garbage a wrong cipher makes)."""
    words = [w for w in LETTER_WORD.findall(text) if len(w) >= 3]
    return len(words) >= 4 and word_share(" ".join(words)) >= READABLE


def _atbash(text: str) -> str:
    return text.translate(ATBASH)


def _rot47(text: str) -> str:
    return "".join(chr(33 + (ord(ch) - 33 + 47) % 94) if 33 <= ord(ch) <= 126 else ch for ch in text)


def _vigenere(text: str, key: str) -> str:
    """Decrypted with `key`, advancing on letters only, as the cipher is written by hand."""
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


def _keyed(text: str) -> Iterator[tuple[str, str, bool]]:
    """Each line after a stated cipher key, decrypted with it."""
    for match in CIPHER_KEY.finditer(text):
        rest = text[match.end() :].split("\n", 1)[0]
        rest = rest.split(")", 1)[1] if ")" in rest[:80] else rest
        if len(LETTER_WORD.findall(rest)) >= 3:
            decoded = _vigenere(rest, match[1])
            yield "vigenere", decoded, word_share(decoded) >= READABLE


def _upside_down(text: str) -> str:
    return "\n".join(line[::-1].translate(UPSIDE_DOWN) for line in text.splitlines())


def _joined_by_symbol(text: str) -> str:
    """Letters joined by one repeated symbol, rejoined: the symbol dropped
    between word characters, the wider gaps left as the spaces between words."""
    for match in JOINED_BY_SYMBOL.finditer(text):
        symbol = re.escape(match[1])
        text = re.sub(rf"(?<=\w){symbol}(?=\w)", "", text)
    return re.sub(r"  +", " ", text)


PIG_LATIN_WORD = re.compile(r"\b[A-Za-z]+ay\b")
PIG_LATIN_SHARE = 0.5  # of a sentence's words of three letters or more: not English, ending in "ay"


def _pig_latin_shaped(sentence: str) -> bool:
    """Most words end in "ay" and are not English words ("ethay", "oductpray"):
    product text in any language never reads so (English has its "day",
    "gray" and "display", which are words)."""
    words = [w.lower() for w in LETTER_WORD.findall(sentence) if len(w) >= 3]
    known = gazetteer()
    pig = sum(w.endswith("ay") and not known.is_word(w) for w in words)
    return len(words) >= 4 and pig >= PIG_LATIN_SHARE * len(words)


def _pig_latin_word(word: str) -> str:
    """One word back from Pig Latin: "ethay" -> "the", "outputway" -> "output".
    The consonants moved to the end are not marked, so each way of moving
    them back is tried, the whole cluster first (as the game moves it), and
    an English word is preferred; otherwise one consonant goes back, the
    commonest case, which keeps other languages readable enough for the
    classifier."""
    lower = word.lower()
    stem = lower[:-2]
    trailing = len(stem) - len(stem.rstrip("bcdfghjklmnpqrstvwxyz"))
    moved = [stem[-k:] + stem[:-k] for k in range(trailing, 0, -1)]
    # A word that began with a vowel only gained "way" (or "yay").
    vowel_first = [lower[:-3]] if lower.endswith(("way", "yay")) and lower[:1] in "aeiou" else []
    candidates = vowel_first + moved
    known = gazetteer()
    return next((c for c in candidates if len(c) > 1 and known.is_word(c)), moved[-1] if moved else stem)


def _pig_latin(sentence: str) -> str:
    return PIG_LATIN_WORD.sub(lambda m: _pig_latin_word(m.group(0)), sentence)


def _line_heads(text: str) -> str:
    """The first word of each line that reads "word — gloss": an acrostic of words."""
    return " ".join(LINE_HEAD.findall(text))


def _rewritten_lines(text: str) -> Iterator[tuple[str, str]]:
    """Sentences in Pig Latin, and sentences that read as English only
    backwards, through a cipher or shifted through the alphabet."""
    for sentence in (part for line in text.splitlines() for part in SENTENCE_END.split(line)):
        if _pig_latin_shaped(sentence):
            yield "pig-latin", _pig_latin(sentence)
            continue
        if len(sentence.split()) < 4 or word_share(sentence) >= 0.3:
            continue
        if len(LETTER_WORD.findall(sentence)) < 4:
            # Too few letters to shift: ROT47 writes most letters as digits and signs.
            if _reads_english(_rot47(sentence)):
                yield "rot47", _rot47(sentence)
            continue
        backwards = sentence[::-1]
        if word_share(backwards) >= READABLE:
            yield "reversed", backwards
            continue
        ciphers = (("atbash", _atbash(sentence)), ("rot47", _rot47(sentence)))
        rewritten = next(((name, view) for name, view in ciphers if _reads_english(view)), None)
        if rewritten:
            yield rewritten
            continue
        for shift in range(1, 26):
            shifted = _caesar(sentence, shift)
            if word_share(shifted) >= READABLE:
                yield ("rot13" if shift == 13 else f"caesar-{26 - shift}"), shifted
                break


def decoded_views(text: str) -> list[tuple[str, str, bool]]:
    """(layer, decoded text, hidden) for each view of `text` worth scanning;
    `hidden` marks a view that an encoding concealed and that reads as text."""
    views = [(layer, decoded, reads_as_text(decoded)) for layer, decoded in _encoded(text)]
    views += [(layer, decoded, True) for layer, decoded in _rewritten_lines(text)]
    views += list(_keyed(text))
    # Whole-text views for the rules, in any language: rot13, and every line backwards.
    views.append(("rot13", codecs.decode(text, "rot13"), False))
    views.append(("reversed", "\n".join(line[::-1] for line in text.splitlines()), False))
    # L33t: digits read as the letters they stand for, inside words that mix both.
    leet = LEET_WORD.sub(lambda m: m.group(0).translate(LEET_BACK), text)
    if leet != text:
        views.append(("leetspeak", leet, False))
    if NATO_RUN.search(text):
        # Spelled out in place and in capitals (spelling spells codes), so the
        # order around the code is read with it; not hidden text by itself:
        # "one, two, three, four, five" spells too.
        spelled = NATO_RUN.sub(
            lambda m: "".join(NATO[w.lower()] for w in re.split(r"[\s,]+", m[0].strip())).upper(), text
        )
        views.append(("nato", spelled, False))
    joined = SPACED_LETTERS.sub(lambda m: m.group(0).replace(" ", ""), text)
    if joined != text:
        views.append(("spaced", joined, False))
    if JOINED_BY_SYMBOL.search(text):
        rejoined = _joined_by_symbol(text)
        views.append(("joined-by-symbol", rejoined, word_share(rejoined) > word_share(text) + 0.2))
    if len(UPSIDE_DOWN_LETTERS.findall(text)) >= 8:
        turned = _upside_down(text)
        views.append(("upside-down", turned, word_share(turned) > word_share(text) + 0.2))
    heads = _line_heads(text)
    if len(heads.split()) >= 5:
        views.append(("line-heads", heads, False))
    return views
