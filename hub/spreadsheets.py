"""CSV cells that spreadsheets open safely."""

from __future__ import annotations


def safe_cell(text: str) -> str:
    """Text a spreadsheet would run as a formula is quoted as text."""
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text
