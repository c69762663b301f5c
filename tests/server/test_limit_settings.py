"""Every abuse limit is a setting (README, "Configuration"): read from its CHATIDK_* variable, with a sane
default, and a bad value refused at start with a message that names the variable."""

from __future__ import annotations

import pytest

from server.config import Config, ConfigError

SETTINGS = {
    "CHATIDK_REGISTRATIONS_PER_HOUR": ("registrations_per_hour", "7", 7),
    "CHATIDK_LOGIN_FAILURES_PER_ADDRESS": ("login_failures_per_address", "9", 9),
    "CHATIDK_LOGIN_FREE_FAILURES": ("login_free_failures", "3", 3),
    "CHATIDK_LOGIN_MAX_DELAY": ("login_max_delay_seconds", "600", 600),
    "CHATIDK_WRONG_PASSWORDS_PER_15MIN": ("wrong_passwords_per_15min", "4", 4),
    "CHATIDK_CODE_MAILS_PER_HOUR": ("code_mails_per_hour", "2", 2),
    "CHATIDK_WRONG_CODES_PER_DAY": ("wrong_codes_per_day", "6", 6),
    "CHATIDK_CODE_REQUESTS_PER_ADDRESS": ("code_requests_per_address_hour", "11", 11),
    "CHATIDK_WRONG_CODES_PER_ADDRESS": ("wrong_codes_per_address_hour", "12", 12),
    "CHATIDK_SEND_BURST": ("send_burst", "100", 100),
    "CHATIDK_SEND_RATE": ("send_rate", "2.5", 2.5),
    "CHATIDK_GROUPS_PER_HOUR": ("groups_per_hour", "5", 5),
    "CHATIDK_SESSION_IDLE_DAYS": ("session_idle_days", "30", 30),
    "CHATIDK_TWO_FACTOR_FREE_FAILURES": ("two_factor_free_failures", "3", 3),
    "CHATIDK_TWO_FACTOR_MAX_DELAY": ("two_factor_max_delay_seconds", "600", 600),
    "CHATIDK_TWO_FACTOR_CODES_PER_CHALLENGE": ("two_factor_codes_per_challenge", "3", 3),
    "CHATIDK_TWO_FACTOR_CHALLENGE_SECONDS": ("two_factor_challenge_seconds", "120", 120),
    "CHATIDK_BODY_TIMEOUT": ("body_timeout_seconds", "10", 10),
    "CHATIDK_PREVIEW_JOBS": ("preview_jobs", "1", 1),
    "CHATIDK_PREVIEW_MEMORY_MB": ("preview_memory_mb", "512", 512),
}


@pytest.mark.parametrize("variable", sorted(SETTINGS))
def test_each_limit_is_read_from_its_variable(variable):
    attribute, raw, value = SETTINGS[variable]
    assert getattr(Config.from_env({variable: raw}), attribute) == value
    assert getattr(Config.from_env({}), attribute) == getattr(Config(), attribute)  # the documented default


@pytest.mark.parametrize("variable", sorted(SETTINGS))
@pytest.mark.parametrize("raw", ["-1", "lots", "1e99"])
def test_a_bad_value_is_refused_naming_the_variable(variable, raw):
    with pytest.raises(ConfigError, match=variable):
        Config.from_env({variable: raw})


def test_the_defaults_are_the_documented_ones():
    config = Config()
    assert (config.send_burst, config.send_rate, config.groups_per_hour) == (60, 20.0, 20)
    assert (config.session_idle_days, config.body_timeout_seconds) == (90, 30)
    assert (config.preview_jobs, config.preview_memory_mb, config.registrations_per_hour) == (2, 1024, 30)
    assert (config.two_factor_free_failures, config.two_factor_max_delay_seconds) == (5, 900)
    assert (config.two_factor_codes_per_challenge, config.two_factor_challenge_seconds) == (5, 300)
