"""End-to-end tests: the bot runs against the fake Telegram Bot API (tests/fakebotapi/)."""
