"""warta's test suite, a package: modules import each other as ``tests.…``."""
