import re
from dataclasses import fields, replace
from pathlib import Path

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


def test_a_settings_file_changes_only_what_it_names(tmp_path: Path) -> None:
    path = tmp_path / "settings.toml"
    # Top-level keys and tables that group them; an integer where a float is meant is a float.
    path.write_text("store_batch_size = 50\n[copies]\ncopy_min_coverage = 0.4\ncopy_min_similarity = 1\n")
    loaded = Settings.from_file(path)
    assert (loaded.store_batch_size, loaded.copy_min_coverage, loaded.copy_min_similarity) == (50, 0.4, 1.0)
    assert isinstance(loaded.copy_min_similarity, float)
    assert replace(loaded, store_batch_size=200, copy_min_coverage=0.5, copy_min_similarity=0.65) == Settings()


def test_every_setting_round_trips_through_its_toml(tmp_path: Path) -> None:
    changed = Settings(copy_min_coverage=0.45, story_candidates=7, writer_wait_seconds=1e-3)
    path = tmp_path / "all.toml"
    path.write_text(changed.to_toml())
    assert Settings.from_file(path) == changed
    assert len(path.read_text().splitlines()) == len(fields(Settings))


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("copy_min_coverag = 0.4\n", "unknown setting copy_min_coverag (did you mean copy_min_coverage?)"),
        ("store_batch_size = 2.5\n", "store_batch_size must be a whole number"),
        ("store_batch_size = true\n", "store_batch_size must be a whole number"),
        ("copy_min_coverage = 1.5\n", "share between 0 and 1"),
        ("story_candidates = 3\n[stories]\nstory_candidates = 4\n", "story_candidates is set twice"),
        ("[a.b]\nstory_candidates = 3\n", "nested too deep"),
        ("copy_min_coverage = \n", "not a readable TOML settings file"),
    ],
)
def test_a_bad_settings_file_is_named_with_its_fault(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "bad.toml"
    path.write_text(text)
    with pytest.raises(ConfigError, match=re.escape(message)) as raised:
        Settings.from_file(path)
    assert str(path) in str(raised.value)


def test_a_missing_settings_file_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="no such settings file"):
        Settings.from_file(tmp_path / "absent.toml")
