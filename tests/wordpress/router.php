<?php
// Router for PHP's built-in web server in front of Debian's WordPress (see server.py).
//
// It does what Debian's Apache configuration does: WORDPRESS_CONFIG names the site's
// /etc/wordpress/config-<name>.php (instead of the Host header, so test servers on
// different ports never share a config), /wp-content is served from WP_CONTENT_DIR
// and the uploads folder of this server, and unknown paths go to index.php as Apache's
// rewrite rules would send them (pretty permalinks work when the site enables them).

$_SERVER['WORDPRESS_CONFIG'] = getenv('WORDPRESS_CONFIG');
$wp_root = rtrim($_SERVER['DOCUMENT_ROOT'], '/');
$path = rawurldecode(parse_url($_SERVER['REQUEST_URI'], PHP_URL_PATH) ?? '/');

function warta_static(string $file): bool
{
    if (!is_file($file)) {
        http_response_code(404);
        header('Content-Type: text/plain');
        echo "not found\n";
        return true;
    }
    $types = [
        'css' => 'text/css', 'js' => 'application/javascript', 'json' => 'application/json',
        'jpg' => 'image/jpeg', 'jpeg' => 'image/jpeg', 'png' => 'image/png',
        'gif' => 'image/gif', 'webp' => 'image/webp', 'svg' => 'image/svg+xml',
        'pdf' => 'application/pdf', 'mp4' => 'video/mp4', 'woff2' => 'font/woff2',
        'txt' => 'text/plain',
    ];
    $ext = strtolower(pathinfo($file, PATHINFO_EXTENSION));
    header('Content-Type: ' . ($types[$ext] ?? 'application/octet-stream'));
    header('Content-Length: ' . filesize($file));
    readfile($file);
    return true;
}

function warta_php(string $file, string $script_name): void
{
    $_SERVER['SCRIPT_FILENAME'] = $file;
    $_SERVER['SCRIPT_NAME'] = $script_name;
    $_SERVER['PHP_SELF'] = $script_name;
    chdir(dirname($file));
    require $file;
}

if (str_contains($path, '..')) {
    http_response_code(400);
    return true;
}
if (str_starts_with($path, '/wp-content/uploads/')) {
    return warta_static(getenv('WARTA_WP_UPLOADS') . substr($path, strlen('/wp-content/uploads')));
}
if (str_starts_with($path, '/wp-content/')) {
    return warta_static('/var/lib/wordpress' . $path);
}
$file = $wp_root . $path;
if (is_dir($file)) {
    $file = rtrim($file, '/') . '/index.php';
    $path = rtrim($path, '/') . '/index.php';
}
if (is_file($file)) {
    if (str_ends_with($file, '.php')) {
        warta_php($file, $path);
        return true;
    }
    return false;  // a static file: the built-in server sends it
}
warta_php($wp_root . '/index.php', '/index.php');
return true;
