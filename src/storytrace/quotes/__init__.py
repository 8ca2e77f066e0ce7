"""Quotes: direct quotations and reported speech with resolved speakers, aligned across a story's articles."""

from storytrace.quotes.extract import extract_quotes

__all__ = ["extract_quotes"]
