"""Facts: numbers, dates, places and names each article states, compared across a story."""

from storytrace.facts.compare import compare_facts
from storytrace.facts.dates import ResolvedDate, resolve_date
from storytrace.facts.extract import extract_facts

__all__ = ["ResolvedDate", "compare_facts", "extract_facts", "resolve_date"]
