"""Numbers with units: finding them in text and comparing them across units.

28 cm = 280 mm = 11.02 in (within 1%); "750g", "750 g" and "750 grams" are
one quantity. Used by grounding (a claimed quantity must be in the input) and
by evidence location (a size stated in another unit is still found).
"""

import re

# Unit -> (dimension, factor to the dimension's base unit).
UNITS: dict[str, tuple[str, float]] = {
    "mm": ("length", 0.001),
    "cm": ("length", 0.01),
    "m": ("length", 1.0),
    "km": ("length", 1000.0),
    "in": ("length", 0.0254),
    "inch": ("length", 0.0254),
    "inches": ("length", 0.0254),
    '"': ("length", 0.0254),
    "ft": ("length", 0.3048),
    "mg": ("mass", 0.001),
    "g": ("mass", 1.0),
    "kg": ("mass", 1000.0),
    "lb": ("mass", 453.592),
    "lbs": ("mass", 453.592),
    "oz": ("mass", 28.3495),
    "ml": ("volume", 0.001),
    "l": ("volume", 1.0),
    "w": ("power", 1.0),
    "kw": ("power", 1000.0),
    "v": ("voltage", 1.0),
    "mah": ("charge", 1.0),
    "gb": ("data", 1.0),
    "tb": ("data", 1000.0),
    "%": ("percent", 1.0),
    "gram": ("mass", 1.0),
    "grams": ("mass", 1.0),
    "gr": ("mass", 1.0),
    "kgs": ("mass", 1000.0),
    "cl": ("volume", 0.01),
    "litre": ("volume", 1.0),
    "litres": ("volume", 1.0),
    "liter": ("volume", 1.0),
    "liters": ("volume", 1.0),
    "fl oz": ("volume", 0.0295735),
    "fl. oz": ("volume", 0.0295735),
}
QUANTITY = re.compile(
    r"(?<![\w.])(\d+(?:[.,]\d+)?)\s?(fl\.? oz|mm|cm|cl|km|m|inches|inch|in|ft|mg|kgs|kg|grams|gram|gr|g|lbs|lb|oz|ml"
    r"|litres|litre|liters|liter|l|kw|w|v|mah|gb|tb|%|\")(?![\w])",
    re.IGNORECASE,
)


def quantities(text: str) -> list[tuple[str, float]]:
    """(dimension, value in the base unit) of every number with a unit."""
    found = []
    for number, unit in QUANTITY.findall(text):
        dimension, factor = UNITS[unit.lower()]
        found.append((dimension, float(number.replace(",", ".")) * factor))
    return found


def quantity_supported(value: tuple[str, float], among: list[tuple[str, float]]) -> bool:
    dimension, amount = value
    return any(d == dimension and abs(a - amount) <= max(abs(amount), abs(a)) * 0.01 for d, a in among)
