from tests.s3.server import s3_server  # noqa: F401
