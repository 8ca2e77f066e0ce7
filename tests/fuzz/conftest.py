"""Hypothesis profiles for the fuzz tests.

``ci`` (the default) is derandomized, so every run tries the same examples and a failure
reproduces; ``triage`` is ``ci`` without shrinking; ``campaign`` draws fresh random examples.
``STORYTRACE_FUZZ_EXAMPLES`` sets the number of examples of every fuzz test (each test has a
small default for CI)::

    HYPOTHESIS_PROFILE=campaign STORYTRACE_FUZZ_EXAMPLES=500 .venv/bin/python -m pytest tests/fuzz
"""

from __future__ import annotations

import os

from hypothesis import HealthCheck, Phase, settings

SLOW_DATA = [
    HealthCheck.too_slow,
    HealthCheck.data_too_large,
    HealthCheck.filter_too_much,
    HealthCheck.large_base_example,
]

settings.register_profile(
    "ci", deadline=None, derandomize=True, database=None, suppress_health_check=SLOW_DATA, print_blob=True
)
# ``triage``: the CI examples without shrinking, to list failures fast while fixing them.
settings.register_profile(
    "triage", parent=settings.get_profile("ci"), phases=[Phase.explicit, Phase.reuse, Phase.generate]
)
settings.register_profile("campaign", deadline=None, suppress_health_check=SLOW_DATA, print_blob=True)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


def examples(default: int) -> int:
    """How many examples a fuzz test tries: ``STORYTRACE_FUZZ_EXAMPLES``, else the test's CI default."""
    return int(os.environ.get("STORYTRACE_FUZZ_EXAMPLES") or default)
