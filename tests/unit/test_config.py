"""Operator settings in ``bot.shell.config``: ``WARTA_*`` variables, checked and secret-safe.

Every test runs in an empty ``tmp_path`` with all ``WARTA_*`` variables removed, so
neither the developer's environment nor a ``.env`` file in the project leaks in.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from bot.core.standards import StepStandard, TimeStandards
from bot.core.working_time import WorkSpan
from bot.shell.config import DEFAULT_CATEGORIES, ConfigError, Settings, load_settings

TOKEN = "7012345678:AAH-sEcReT_t0ken-value-XYZ"


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    for name in list(os.environ):
        if name.upper().startswith("WARTA_"):
            monkeypatch.delenv(name)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def config_error(monkeypatch: pytest.MonkeyPatch, **env: str) -> ConfigError:
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    with pytest.raises(ConfigError) as info:
        load_settings()
    return info.value


def chained_texts(error: BaseException) -> str:
    """The error and everything chained to it, as a traceback would show them."""
    texts = []
    seen: BaseException | None = error
    while seen is not None:
        texts.append(str(seen))
        texts.append(repr(seen))
        seen = seen.__cause__ or seen.__context__
    return "\n".join(texts)


# --- defaults -------------------------------------------------------------------------


def test_defaults(tmp_path: Path) -> None:
    settings = load_settings()
    assert settings.telegram_token is None
    assert settings.default_language == "id"
    assert settings.admin_ids == []
    assert settings.code_prefix == "PKP"
    assert settings.timezone == "Asia/Jakarta"
    assert settings.categories == list(DEFAULT_CATEGORIES)
    assert settings.database_url is None
    assert settings.data_dir == Path("data")
    assert settings.media_dir == Path("data") / "media"
    assert settings.max_download_bytes == 20 * 1024 * 1024
    assert settings.telegram_api_url == "https://api.telegram.org/bot"


def test_default_database_is_embedded_sqlite_under_the_data_dir(tmp_path: Path) -> None:
    settings = load_settings()
    expected = (tmp_path / "data" / "warta.sqlite3").resolve()
    assert settings.effective_database_url == f"sqlite+aiosqlite:///{expected}"


def test_data_dir_moves_the_database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WARTA_DATA_DIR", str(tmp_path / "elsewhere"))
    settings = load_settings()
    assert settings.effective_database_url == (
        f"sqlite+aiosqlite:///{tmp_path / 'elsewhere' / 'warta.sqlite3'}"
    )
    assert settings.media_dir == tmp_path / "elsewhere" / "media"


def test_database_url_is_used_as_given(monkeypatch: pytest.MonkeyPatch) -> None:
    url = "postgresql+asyncpg://warta@db.internal:5432/warta"
    monkeypatch.setenv("WARTA_DATABASE_URL", url)
    assert load_settings().effective_database_url == url


def test_default_time_standards_read_the_sop() -> None:
    standards = load_settings().time_standards
    assert standards == TimeStandards()
    assert str(standards.collecting) == "1d/1d 2h"
    assert str(standards.submitted) == "1h/3h"
    assert str(standards.editing) == "1h/3h"
    assert str(standards.review) == "45m/1h"
    assert str(standards.approved) == "10m/15m"


def test_time_standards_from_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WARTA_SLA_REVIEW", "20m/30m")
    monkeypatch.setenv("WARTA_SLA_APPROVED", "15m")
    standards = load_settings().time_standards
    assert standards.review == StepStandard(WorkSpan(minutes=20), WorkSpan(minutes=30))
    assert standards.approved == StepStandard(WorkSpan(minutes=15), WorkSpan(minutes=15))
    assert standards.editing == TimeStandards().editing


def test_the_old_minute_standards_are_refused_with_the_new_name(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    error = config_error(monkeypatch, WARTA_SLA_REVIEW_MINUTES="30")
    assert "WARTA_SLA_REVIEW_MINUTES" in str(error)
    assert "WARTA_SLA_REVIEW " in str(error)


# --- parsing --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "ids"),
    [
        ("1, 2,3", [1, 2, 3]),
        ("42", [42]),
        (" 7 ", [7]),
        ("1,,2,", [1, 2]),
        ("", []),
        ("123456789012", [123456789012]),
    ],
)
def test_admin_ids(monkeypatch: pytest.MonkeyPatch, raw: str, ids: list[int]) -> None:
    monkeypatch.setenv("WARTA_ADMIN_IDS", raw)
    assert load_settings().admin_ids == ids


def test_categories(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WARTA_CATEGORIES", "Berita, Info Layanan ,Agenda")
    assert load_settings().categories == ["Berita", "Info Layanan", "Agenda"]


@pytest.mark.parametrize("code", ["id", "en"])
def test_language(monkeypatch: pytest.MonkeyPatch, code: str) -> None:
    monkeypatch.setenv("WARTA_DEFAULT_LANGUAGE", code)
    assert load_settings().default_language == code


def test_code_prefix_is_upper_cased(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WARTA_CODE_PREFIX", "dpm1")
    assert load_settings().code_prefix == "DPM1"


def test_overrides_beat_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WARTA_DEFAULT_LANGUAGE", "en")
    assert load_settings(default_language="id").default_language == "id"


def test_dotenv_in_the_working_folder_is_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / ".env").write_text(
        "WARTA_DEFAULT_LANGUAGE=en\nWARTA_ADMIN_IDS=5,6\nOTHER_THING=1\n", encoding="utf-8"
    )
    settings = load_settings()
    assert settings.default_language == "en"
    assert settings.admin_ids == [5, 6]
    # The environment wins over the file.
    monkeypatch.setenv("WARTA_ADMIN_IDS", "9")
    assert load_settings().admin_ids == [9]


def test_unrelated_variables_are_ignored(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WARTA_NOT_A_SETTING", "whatever")
    monkeypatch.setenv("WARTA_TEST_DATABASE_URL", "postgresql+asyncpg://x/test")
    assert load_settings().database_url is None


# --- errors ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("WARTA_ADMIN_IDS", "1,two,3"),
        ("WARTA_ADMIN_IDS", "@siti"),
        ("WARTA_ADMIN_IDS", "1;2"),
        ("WARTA_ADMIN_IDS", "1.5"),
        ("WARTA_DEFAULT_LANGUAGE", "fr"),
        ("WARTA_DEFAULT_LANGUAGE", "en-US"),
        ("WARTA_DEFAULT_LANGUAGE", "ID"),
        ("WARTA_CODE_PREFIX", "PKP-01"),
        ("WARTA_CODE_PREFIX", "TOOLONGPREFIX"),
        ("WARTA_INVITE_TTL_HOURS", "-1"),
        ("WARTA_INVITE_TTL_HOURS", "0"),
        ("WARTA_INVITE_TTL_HOURS", "soon"),
        ("WARTA_MAX_DOWNLOAD_MB", "-20"),
        ("WARTA_ALBUM_SETTLE_SECONDS", "-0.5"),
        ("WARTA_POLL_TIMEOUT", "-1"),
        ("WARTA_SLA_COLLECTING", "-60"),
        ("WARTA_SLA_SUBMITTED", "0"),
        ("WARTA_SLA_EDITING", "3h/1h"),
        ("WARTA_SLA_REVIEW", "an hour"),
        ("WARTA_SLA_APPROVED", "5m/10m/15m"),
        ("WARTA_OFFICE_HOURS", "Mon-Fri"),
        ("WARTA_OFFICE_HOURS", "Mon 16:00-07:30"),
        ("WARTA_OFFICE_HOURS", ""),
        ("WARTA_OFFICE_BREAK", "noon"),
        ("WARTA_HOLIDAYS", "religious"),
        ("WARTA_CLOSED_DAYS", "31-12-2026"),
        ("WARTA_WORKING_DAYS", "2026-02-30"),
    ],
)
def test_malformed_values_name_the_variable(
    monkeypatch: pytest.MonkeyPatch, name: str, value: str
) -> None:
    error = config_error(monkeypatch, **{name: value})
    assert name in str(error)
    assert str(error).startswith("Invalid configuration:")


def test_every_bad_variable_is_reported(monkeypatch: pytest.MonkeyPatch) -> None:
    error = config_error(
        monkeypatch,
        WARTA_ADMIN_IDS="x",
        WARTA_DEFAULT_LANGUAGE="de",
        WARTA_POLL_TIMEOUT="-3",
    )
    text = str(error)
    for name in ("WARTA_ADMIN_IDS", "WARTA_DEFAULT_LANGUAGE", "WARTA_POLL_TIMEOUT"):
        assert name in text


def test_config_error_is_not_a_pydantic_traceback(monkeypatch: pytest.MonkeyPatch) -> None:
    error = config_error(monkeypatch, WARTA_DEFAULT_LANGUAGE="fr")
    assert error.__cause__ is None
    assert error.__suppress_context__


def test_unknown_timezone_names_the_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    error = config_error(monkeypatch, WARTA_TIMEZONE="Asia/Atlantis")
    assert "WARTA_TIMEZONE" in str(error)


# --- the token ------------------------------------------------------------------------


def test_token_is_read_and_stripped(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WARTA_TELEGRAM_TOKEN", f"  {TOKEN}\n")
    assert load_settings().token() == TOKEN


def test_token_never_shows_in_repr_or_str(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WARTA_TELEGRAM_TOKEN", TOKEN)
    settings = load_settings()
    assert TOKEN not in repr(settings)
    assert TOKEN not in str(settings)
    assert TOKEN not in repr(settings.model_dump())
    assert "AAH" not in repr(settings)


def test_token_never_shows_in_config_errors(monkeypatch: pytest.MonkeyPatch) -> None:
    error = config_error(
        monkeypatch,
        WARTA_TELEGRAM_TOKEN=TOKEN,
        WARTA_DEFAULT_LANGUAGE="xx",
        WARTA_MAX_DOWNLOAD_MB="-1",
    )
    assert TOKEN not in chained_texts(error)


def test_token_pasted_into_the_wrong_variable_is_not_echoed(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    error = config_error(monkeypatch, WARTA_ADMIN_IDS=TOKEN)
    assert "WARTA_ADMIN_IDS" in str(error)
    text = chained_texts(error)
    assert TOKEN not in text
    assert "sEcReT" not in text


@pytest.mark.parametrize("value", [None, "", "   "])
def test_missing_token_explains_botfather(
    monkeypatch: pytest.MonkeyPatch, value: str | None
) -> None:
    if value is not None:
        monkeypatch.setenv("WARTA_TELEGRAM_TOKEN", value)
    settings = load_settings()  # loading works; asking for the token does not
    with pytest.raises(ConfigError) as info:
        settings.token()
    text = str(info.value)
    assert "BotFather" in text
    assert "WARTA_TELEGRAM_TOKEN" in text


def test_settings_class_reads_the_prefix(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WARTA_CODE_PREFIX", "abc")
    monkeypatch.setenv("CODE_PREFIX", "nope")
    assert Settings().code_prefix == "ABC"


@pytest.mark.parametrize(
    ("given", "used"),
    [
        ("postgresql://u:p@db:5432/warta", "postgresql+asyncpg://u:p@db:5432/warta"),
        ("postgres://u@db/warta", "postgresql+asyncpg://u@db/warta"),
        ("postgresql+asyncpg://u@db/warta", "postgresql+asyncpg://u@db/warta"),
        ("sqlite:////srv/warta/w.sqlite3", "sqlite+aiosqlite:////srv/warta/w.sqlite3"),
    ],
)
def test_usual_database_url_forms_are_read_as_warta_drivers(
    monkeypatch: pytest.MonkeyPatch, given: str, used: str
) -> None:
    monkeypatch.setenv("WARTA_DATABASE_URL", given)
    assert load_settings().effective_database_url == used


@pytest.mark.parametrize(
    ("given", "says"),
    [
        ("postgresql+psycopg2://u@db/warta", "through asyncpg"),
        ("mysql://root@db/warta", "must be a PostgreSQL URL"),
        ("warta.sqlite3", "must be a PostgreSQL URL"),
    ],
)
def test_unusable_database_urls_say_what_to_write(
    monkeypatch: pytest.MonkeyPatch, given: str, says: str
) -> None:
    monkeypatch.setenv("WARTA_DATABASE_URL", given)
    with pytest.raises(ConfigError) as refused:
        load_settings()
    assert "WARTA_DATABASE_URL" in str(refused.value) and says in str(refused.value)
    assert "Value error" not in str(refused.value)


def test_download_limit_stops_at_telegrams_2000_mb(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WARTA_MAX_DOWNLOAD_MB", "2000")
    assert load_settings().max_download_mb == 2000
    monkeypatch.setenv("WARTA_MAX_DOWNLOAD_MB", "5000")
    with pytest.raises(ConfigError) as refused:
        load_settings()
    assert "WARTA_MAX_DOWNLOAD_MB" in str(refused.value) and "2000" in str(refused.value)


def test_missing_postgres_driver_is_one_sentence() -> None:
    from storage.db import explain_database_error

    missing = ModuleNotFoundError("No module named 'asyncpg'", name="asyncpg")
    said = explain_database_error(missing, "postgresql+asyncpg://u:secret@db/warta")
    assert said is not None and "pip install" in said and "secret" not in said
