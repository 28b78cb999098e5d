<?php
// Run PHP code (read from standard input) with this test site's WordPress loaded, from
// the command line: WordPressSite.php() in server.py. The code's output is the result.

$url = parse_url(getenv('WARTA_WP_URL'));
$_SERVER['WORDPRESS_CONFIG'] = getenv('WORDPRESS_CONFIG');
$_SERVER['HTTP_HOST'] = $url['host'] . (isset($url['port']) ? ':' . $url['port'] : '');
$_SERVER['REQUEST_URI'] = '/';
$_SERVER['SERVER_PROTOCOL'] = 'HTTP/1.1';
require '/usr/share/wordpress/wp-load.php';
require_once ABSPATH . 'wp-admin/includes/admin.php';
eval(stream_get_contents(STDIN));
