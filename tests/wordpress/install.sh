#!/usr/bin/env bash
# Install what the real-WordPress tests need (tests/wordpress/server.py): Debian's
# WordPress, its default theme and the PHP command line with mysqli and GD, and make
# sure the MariaDB server they use answers. Idempotent and quick when all is there.
#
# The `wordpress` package depends on a web server and picks apache2; the tests do not
# use it (they run PHP's built-in server; on Docker-style images policy-rc.d also keeps
# Apache from starting).
set -euo pipefail

sudo=""
[ "$(id -u)" = 0 ] || sudo="sudo"

if [ -f /usr/share/wordpress/wp-settings.php ] \
  && [ -d /usr/share/wordpress/wp-content/themes/twentytwentythree ] \
  && command -v php >/dev/null && php -m | grep -qx mysqli && php -m | grep -qx gd; then
  echo "WordPress for the tests: installed"
else
  echo "WordPress for the tests: installing"
  export DEBIAN_FRONTEND=noninteractive
  packages=(wordpress wordpress-theme-twentytwentythree php-cli php-mysql php-gd)
  if ! $sudo apt-get install -y -q --no-install-recommends "${packages[@]}"; then
    $sudo apt-get update -q
    $sudo apt-get install -y -q --no-install-recommends "${packages[@]}"
  fi
fi

# The test sites' databases (WARTA_TEST_WP_DB_HOST, by default the local server).
db="${WARTA_TEST_WP_DB_HOST:-127.0.0.1:3306}"
host="${db%%:*}"
port="${db##*:}"
[ "$port" != "$db" ] || port=3306
db_up() { (exec 3<>"/dev/tcp/$host/$port") 2>/dev/null; }
if ! db_up && [ "$host" = 127.0.0.1 ] && [ -x /usr/sbin/mariadbd ]; then
  echo "starting MariaDB"
  $sudo service mariadb start || true
  for _ in $(seq 1 30); do db_up && break; sleep 1; done
fi
db_up || echo "warning: no MariaDB/MySQL server at $host:$port; the WordPress tests need one" >&2
