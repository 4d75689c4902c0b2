"""Parsers for the generator's data blocks: logical lines, attack templates and product listings."""

import re
from dataclasses import dataclass

from adversarial_fresh_parts.config import HINTS

# ---------------------------------------------------------------- data blocks


def logical_lines(block: str) -> list[str]:
    """A data block's logical lines: an indented '| ' line continues the previous one after a space,
    an indented '+ ' line continues it directly; a literal backslash-n stands for a newline."""
    lines: list[str] = []
    for raw in block.splitlines():
        stripped = raw.strip()
        if not stripped:
            continue
        if raw[:1].isspace() and stripped[:2] in ("| ", "+ "):
            lines[-1] += (" " if stripped[0] == "|" else "") + stripped[2:]
        else:
            lines.append(stripped)
    return [line.replace("\\n", "\n") for line in lines]


@dataclass(frozen=True)
class Template:
    technique: str
    language: str
    n: int
    text: str
    kind: str | None

    @property
    def phrasing(self) -> str:
        return f"{self.technique}/{self.language}/{self.n}"


_TEMPLATE_LINE = re.compile(r"([a-z]{2})(?:\[([a-z]+)\])? \| (.+)", re.S)


def parse_templates(block: str) -> dict[str, list[Template]]:
    out: dict[str, list[Template]] = {}
    current = ""
    for line in logical_lines(block):
        if line.startswith("== "):
            current = line[3:].strip()
            out[current] = []
            continue
        match = _TEMPLATE_LINE.fullmatch(line)
        if match is None or not current:
            raise ValueError(f"bad template line: {line[:80]!r}")
        language, hint, text = match.groups()
        n = sum(1 for t in out[current] if t.language == language)
        out[current].append(Template(current, language, n, text, HINTS[hint] if hint else None))
    return out


def parse_products(block: str) -> list[dict]:
    products: list[dict] = []
    for line in logical_lines(block):
        if line.startswith("== "):
            products.append({"title": line[3:].strip(), "attributes": {}, "reviews": [], "qa": [], "extra": []})
            continue
        key, _, value = line.partition(": ")
        product = products[-1]
        if key == "attr":
            product["attributes"] = dict(item.split("=", 1) for item in value.split("; "))
        elif key == "review":
            stars, name, text = value.split(" ~ ")
            product["reviews"].append((int(stars), name, text))
        elif key == "qa":
            question, answer = value.split(" ~ ")
            product["qa"].append((question, answer))
        elif key == "extra":
            product["extra"].append(value)
        elif key == "price":
            product["price"] = float(value)
        else:
            product[key] = value
    return products
