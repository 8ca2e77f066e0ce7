"""Property-based fuzzing of every input path: generators (``generators``), the batch harness
and its properties (``harness``), the tests that run them in CI, and named regressions."""
