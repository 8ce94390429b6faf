"""Matching residents' addresses with the addresses of an institution's area.

People write the same address many ways ("112 Maple St." / "112 maple street",
"1400 Grand Concourse Apt 3B" / "1400 Grand Concourse, #3b"). ``normalize``
maps them to one key; ``building_of`` drops the apartment so that an area
listing a whole building covers every flat in it.
"""

from __future__ import annotations

import re
import unicodedata

_ABBREVIATIONS = {
    "st": "street",
    "str": "street",
    "ave": "avenue",
    "av": "avenue",
    "rd": "road",
    "blvd": "boulevard",
    "dr": "drive",
    "ln": "lane",
    "ct": "court",
    "pl": "place",
    "sq": "square",
    "pkwy": "parkway",
    "hwy": "highway",
    "ter": "terrace",
    "n": "north",
    "s": "south",
    "e": "east",
    "w": "west",
    "apt": "apt",
    "apartment": "apt",
    "unit": "apt",
    "suite": "apt",
    "ste": "apt",
    "#": "apt",
    "depto": "apt",
    "dpto": "apt",
    "piso": "apt",
}
_UNIT = re.compile(r"\s*\bapt\b.*$")


def normalize(address: str) -> str:
    """A comparison key: lower case, no accents or punctuation, abbreviations spelled out."""
    text = unicodedata.normalize("NFKD", address).encode("ascii", "ignore").decode().lower()
    text = text.replace("#", " # ")
    text = re.sub(r"[^\w#]+", " ", text)
    words = [_ABBREVIATIONS.get(word, word) for word in text.split()]
    return " ".join(words)


def building_of(address: str) -> str:
    """The normalized address without its apartment or unit."""
    return _UNIT.sub("", normalize(address)).strip()


def covers(area_addresses: set[str], address: str) -> bool:
    """Whether an area (a set of ``normalize``d addresses) holds ``address``.

    The exact flat matches; so does its building when the area lists the building.
    """
    key = normalize(address)
    return key in area_addresses or building_of(address) in area_addresses
