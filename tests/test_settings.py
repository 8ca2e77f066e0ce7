import pytest

from storytrace import ConfigError, Settings


def test_defaults_are_valid() -> None:
    assert Settings().store_batch_size >= 1


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("good_min_stopword_share", 1.5, "share between 0 and 1"),
        ("max_article_bytes", -1, "must not be negative"),
        ("store_batch_size", 0, "at least 1"),
        ("copy_sketch_bands", 0, "at least 1"),
        ("copy_min_similarity", 1.2, "share between 0 and 1"),
        ("good_min_chars", "70", "must be a number"),
    ],
)
def test_invalid_values_fail_with_the_setting_named(name: str, value: object, message: str) -> None:
    with pytest.raises(ConfigError, match=message) as raised:
        Settings(**{name: value})  # type: ignore[arg-type]
    assert name in str(raised.value)
