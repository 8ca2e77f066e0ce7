"""Report: the JSON contract (``storytrace.report/1``, schema in docs/report.schema.json) and the
terminal summary."""

from storytrace.report.compare import print_comparison, print_copies
from storytrace.report.comparison import comparison_record, print_story_comparison
from storytrace.report.document import REPORT_SCHEMA_ID, load_schema, to_dict, write_json
from storytrace.report.families import print_families
from storytrace.report.stories import print_story, print_story_list
from storytrace.report.terminal import print_summary, print_tables

__all__ = [
    "REPORT_SCHEMA_ID",
    "comparison_record",
    "load_schema",
    "print_comparison",
    "print_copies",
    "print_families",
    "print_story",
    "print_story_comparison",
    "print_story_list",
    "print_summary",
    "print_tables",
    "to_dict",
    "write_json",
]
