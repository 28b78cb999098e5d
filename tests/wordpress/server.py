"""A throwaway WordPress site for tests: Debian's ``wordpress`` package under PHP's
built-in web server, with a fresh MariaDB database.

Debian's ``/usr/share/wordpress/wp-config.php`` loads ``/etc/wordpress/config-<name>.php``
where ``<name>`` is the request's Host header without the port, unless the server sets
``WORDPRESS_CONFIG``. ``router.php`` sets it from the environment, so every test site
has its own config file (``config-warta-test-<pid>-<hex>.php``) and sites on different
ports never share one. The config sets ``WP_ENVIRONMENT_TYPE`` to ``local``: WordPress
only accepts Application Passwords over HTTPS or on a local site.

``setup.php`` creates the database and installs WordPress from the command line (no
HTTP round trip), with plain permalinks unless asked otherwise, uploads in the site's own
temporary folder, and an Editor with an Application Password. Leftovers of killed test
runs (config files and databases named after a process that is gone) are removed when
the next site starts.

Needs root (to write ``/etc/wordpress``), PHP with mysqli and a MariaDB/MySQL server;
``WARTA_TEST_WP_DB_HOST`` (``127.0.0.1:3306``), ``WARTA_TEST_WP_DB_USER`` (``root``) and
``WARTA_TEST_WP_DB_PASSWORD`` (empty) say which. ``tests/wordpress/install.sh``
installs the packages.
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import shutil
import socket
import subprocess
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType

HERE = Path(__file__).resolve().parent
WORDPRESS_DIR = Path("/usr/share/wordpress")
CONFIG_DIR = Path("/etc/wordpress")
CONFIG_PREFIX = "warta-test-"
DB_PREFIX = "warta_wp_"
STARTUP_TIMEOUT = 20.0


def db_settings() -> dict[str, str]:
    return {
        "WARTA_WP_DB_HOST": os.environ.get("WARTA_TEST_WP_DB_HOST", "127.0.0.1:3306"),
        "WARTA_WP_DB_USER": os.environ.get("WARTA_TEST_WP_DB_USER", "root"),
        "WARTA_WP_DB_PASSWORD": os.environ.get("WARTA_TEST_WP_DB_PASSWORD", ""),
    }


def unavailable() -> str | None:
    """Why a test WordPress cannot run here, or None when it can."""
    if not (WORDPRESS_DIR / "wp-settings.php").exists():
        return "WordPress is not installed (run tests/wordpress/install.sh)"
    php = shutil.which("php")
    if php is None:
        return "PHP is not installed (run tests/wordpress/install.sh)"
    modules = subprocess.run([php, "-m"], capture_output=True, text=True, check=False).stdout
    if "mysqli" not in modules.split():
        return "PHP has no mysqli (install php-mysql)"
    if not os.access(CONFIG_DIR, os.W_OK):
        return f"{CONFIG_DIR} is not writable (run the WordPress tests as root)"
    host, _, port = db_settings()["WARTA_WP_DB_HOST"].partition(":")
    try:
        socket.create_connection((host, int(port or 3306)), timeout=2).close()
    except OSError:
        return f"no MariaDB/MySQL server at {host}:{port or 3306}"
    return None


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _owner_pid(name: str, prefix: str, separator: str) -> int | None:
    head = name[len(prefix) :].split(separator, 1)[0]
    return int(head) if head.isdigit() else None


@dataclass
class WordPressSite:
    """A running test site: where it is and how to log in."""

    base_url: str
    user: str  # an Editor
    app_password: str  # the Editor's Application Password
    admin_user: str
    admin_password: str  # the administrator's login password (not for the REST API)
    db_name: str
    config_name: str
    workdir: Path
    uploads_dir: Path
    env: dict[str, str] = field(repr=False, default_factory=dict)

    def php(self, code: str, timeout: float = 30) -> str:
        """Run PHP ``code`` (statements, no ``<?php``) with the site's WordPress loaded;
        returns what it printed."""
        done = subprocess.run(
            ["php", str(HERE / "cli.php")],
            input=code,
            capture_output=True,
            text=True,
            env=self.env,
            timeout=timeout,
            check=False,
        )
        if done.returncode != 0:
            raise RuntimeError(f"PHP failed ({done.returncode}): {done.stderr or done.stdout}")
        return done.stdout

    def create_user(self, login: str, role: str) -> str:
        """A new user with ``role`` (``author``, ``contributor``…); returns an
        Application Password for it."""
        code = f"""
            $id = wp_insert_user([
                'user_login' => {json.dumps(login)},
                'user_pass' => wp_generate_password(24, false),
                'user_email' => {json.dumps(login + "@example.test")},
                'role' => {json.dumps(role)},
            ]);
            if (is_wp_error($id)) {{ fwrite(STDERR, $id->get_error_message()); exit(1); }}
            $made = WP_Application_Passwords::create_new_application_password(
                $id, ['name' => 'warta']);
            echo $made[0];
        """
        return self.php(code).strip()

    def set_permalinks(self, structure: str) -> None:
        """``''`` for plain links (``?p=1``, REST at ``?rest_route=``), or a structure
        such as ``/%postname%/`` (REST at ``/wp-json/``)."""
        self.php(
            f"update_option('permalink_structure', {json.dumps(structure)});"
            " flush_rewrite_rules(false);"
        )


class WordPressServer:
    """Starts and stops one :class:`WordPressSite` (``with WordPressServer() as site``)."""

    def __init__(self, *, user: str = "humas", permalinks: str = "") -> None:
        self._user = user
        self._permalinks = permalinks
        self._process: subprocess.Popen[bytes] | None = None
        self._config_file: Path | None = None
        self._db_name: str | None = None
        self._workdir: Path | None = None
        self.site: WordPressSite | None = None

    def __enter__(self) -> WordPressSite:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    def start(self) -> WordPressSite:
        reason = unavailable()
        if reason is not None:
            raise RuntimeError(reason)
        sweep_leftovers()
        token = f"{os.getpid()}_{secrets.token_hex(4)}"
        config_name = CONFIG_PREFIX + token.replace("_", "-")
        self._db_name = DB_PREFIX + token
        self._workdir = Path(tempfile.mkdtemp(prefix="warta-wp-"))
        uploads = self._workdir / "uploads"
        uploads.mkdir()
        self._config_file = CONFIG_DIR / f"config-{config_name}.php"
        self._write_config(self._config_file, self._db_name)
        try:
            return self._start_site(config_name, uploads)
        except BaseException:
            self.stop()
            raise

    def _start_site(self, config_name: str, uploads: Path) -> WordPressSite:
        assert self._workdir is not None and self._db_name is not None
        port = free_port()
        base_url = f"http://127.0.0.1:{port}"
        env = {
            **os.environ,
            **db_settings(),
            "WORDPRESS_CONFIG": config_name,
            "WARTA_WP_URL": base_url,
            "WARTA_WP_DB_NAME": self._db_name,
            "WARTA_WP_UPLOADS": str(uploads),
            "WARTA_WP_USER": self._user,
            "WARTA_WP_PERMALINKS": self._permalinks,
        }
        done = subprocess.run(
            ["php", str(HERE / "setup.php")],
            capture_output=True,
            text=True,
            env=env,
            timeout=60,
            check=False,
        )
        if done.returncode != 0:
            raise RuntimeError(f"WordPress install failed: {done.stderr or done.stdout}")
        login = json.loads(done.stdout.strip().splitlines()[-1])
        for attempt in range(3):
            if attempt:
                port = free_port()
                base_url = f"http://127.0.0.1:{port}"
                env["WARTA_WP_URL"] = base_url
                self._php_quiet(
                    env,
                    f"update_option('siteurl', '{base_url}'); update_option('home', '{base_url}');"
                    f" update_option('upload_url_path', '{base_url}/wp-content/uploads');",
                )
            if self._serve(env, port):
                break
        else:
            raise RuntimeError(f"PHP's web server did not start: {self._log_tail()}")
        self.site = WordPressSite(
            base_url=base_url,
            user=str(login["user"]),
            app_password=str(login["app_password"]),
            admin_user=str(login["admin_user"]),
            admin_password=str(login["admin_password"]),
            db_name=self._db_name,
            config_name=config_name,
            workdir=self._workdir,
            uploads_dir=uploads,
            env=env,
        )
        return self.site

    def _serve(self, env: dict[str, str], port: int) -> bool:
        """Start ``php -S`` on ``port``; False when the port was taken meanwhile."""
        assert self._workdir is not None
        log = (self._workdir / "php.log").open("ab")
        self._process = subprocess.Popen(
            [
                "php",
                "-d",
                "display_errors=stderr",
                "-d",
                "upload_max_filesize=64M",
                "-d",
                "post_max_size=64M",
                "-d",
                "memory_limit=256M",
                "-S",
                f"127.0.0.1:{port}",
                "-t",
                str(WORDPRESS_DIR),
                str(HERE / "router.php"),
            ],
            env={**env, "PHP_CLI_SERVER_WORKERS": "4"},
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        log.close()
        deadline = time.monotonic() + STARTUP_TIMEOUT
        while time.monotonic() < deadline:
            if self._process.poll() is not None:
                self._process = None
                return False
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
            except OSError:
                time.sleep(0.05)
                continue
            try:
                url = f"http://127.0.0.1:{port}/?rest_route=/"
                with urllib.request.urlopen(url, timeout=10) as answer:
                    # Still ours: not another server that got the port first.
                    if answer.status == 200 and self._process.poll() is None:
                        return True
            except (urllib.error.URLError, OSError) as exc:
                raise RuntimeError(f"WordPress does not answer: {exc}; {self._log_tail()}") from exc
        raise RuntimeError(f"PHP's web server did not start in time: {self._log_tail()}")

    def _php_quiet(self, env: dict[str, str], code: str) -> None:
        subprocess.run(
            ["php", str(HERE / "cli.php")],
            input=code,
            capture_output=True,
            text=True,
            env=env,
            timeout=30,
            check=True,
        )

    def _log_tail(self) -> str:
        if self._workdir is None:
            return ""
        log = self._workdir / "php.log"
        return log.read_text(errors="replace")[-2000:] if log.exists() else ""

    def stop(self) -> None:
        if self._process is not None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self._process.pid, 15)
            try:
                self._process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(self._process.pid, 9)
                self._process.wait(timeout=5)
            self._process = None
        if self._db_name is not None:
            drop_database(self._db_name)
            self._db_name = None
        if self._config_file is not None:
            self._config_file.unlink(missing_ok=True)
            self._config_file = None
        if self._workdir is not None:
            shutil.rmtree(self._workdir, ignore_errors=True)
            self._workdir = None
        self.site = None

    @staticmethod
    def _write_config(path: Path, db_name: str) -> None:
        settings = db_settings()
        keys = "".join(
            f"define('{key}', '{secrets.token_hex(32)}');\n"
            for key in (
                "AUTH_KEY",
                "SECURE_AUTH_KEY",
                "LOGGED_IN_KEY",
                "NONCE_KEY",
                "AUTH_SALT",
                "SECURE_AUTH_SALT",
                "LOGGED_IN_SALT",
                "NONCE_SALT",
            )
        )
        path.write_text(
            "<?php\n"
            "// A warta test site (tests/wordpress/server.py); removed when the tests end.\n"
            f"define('DB_NAME', {_php_string(db_name)});\n"
            f"define('DB_USER', {_php_string(settings['WARTA_WP_DB_USER'])});\n"
            f"define('DB_PASSWORD', {_php_string(settings['WARTA_WP_DB_PASSWORD'])});\n"
            f"define('DB_HOST', {_php_string(settings['WARTA_WP_DB_HOST'])});\n"
            "define('WP_ENVIRONMENT_TYPE', 'local');\n"
            "define('DISABLE_WP_CRON', true);\n"
            "define('WP_HTTP_BLOCK_EXTERNAL', true);\n"
            "define('AUTOMATIC_UPDATER_DISABLED', true);\n"
            "define('WP_DEBUG', false);\n"
            "define('FS_METHOD', 'direct');\n" + keys
        )
        path.chmod(0o640)


def _php_string(value: str) -> str:
    return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"


def _db_php(*args: str) -> str:
    done = subprocess.run(
        ["php", str(HERE / "db.php"), *args],
        capture_output=True,
        text=True,
        env={**os.environ, **db_settings()},
        timeout=30,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"database command failed: {done.stderr or done.stdout}")
    return done.stdout


def drop_database(name: str) -> None:
    _db_php("drop", name)


def sweep_leftovers() -> None:
    """Remove config files and databases of test sites whose process is gone."""
    for path in CONFIG_DIR.glob(f"config-{CONFIG_PREFIX}*.php"):
        pid = _owner_pid(path.name[len("config-") :], CONFIG_PREFIX, "-")
        if pid is not None and not _pid_alive(pid):
            path.unlink(missing_ok=True)
    for name in _db_php("list", DB_PREFIX).split():
        pid = _owner_pid(name, DB_PREFIX, "_")
        if pid is not None and not _pid_alive(pid):
            drop_database(name)
