<?php
// Create the database of a fresh WordPress test site and install WordPress into it,
// from the command line (see server.py). Settings come from the environment; prints
// one line of JSON: the editor's login and the application password made for it.

function env(string $name): string
{
    $value = getenv($name);
    if ($value === false) {
        fwrite(STDERR, "missing $name\n");
        exit(2);
    }
    return $value;
}

$base_url = env('WARTA_WP_URL');
mysqli_report(MYSQLI_REPORT_ERROR | MYSQLI_REPORT_STRICT);
[$db_host, $db_port] = array_pad(explode(':', env('WARTA_WP_DB_HOST'), 2), 2, '3306');
$db = new mysqli($db_host, env('WARTA_WP_DB_USER'), env('WARTA_WP_DB_PASSWORD'), '', (int) $db_port);
$db->query('CREATE DATABASE `' . $db->real_escape_string(env('WARTA_WP_DB_NAME')) . '` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci');
$db->close();

$url = parse_url($base_url);
$_SERVER['WORDPRESS_CONFIG'] = env('WORDPRESS_CONFIG');
$_SERVER['HTTP_HOST'] = $url['host'] . (isset($url['port']) ? ':' . $url['port'] : '');
$_SERVER['REQUEST_URI'] = '/wp-admin/install.php';
$_SERVER['SERVER_PROTOCOL'] = 'HTTP/1.1';
define('WP_INSTALLING', true);

// No mail from a test site (the "new site" notice would try sendmail).
function wp_new_blog_notification($blog_title, $blog_url, $user_id, $password)
{
}

require '/usr/share/wordpress/wp-load.php';
require_once ABSPATH . 'wp-admin/includes/upgrade.php';
require_once ABSPATH . 'wp-admin/includes/user.php';

$result = wp_install('Warta Test', 'admin', 'admin@example.test', 0, '', wp_generate_password(24, false));
update_option('siteurl', $base_url);
update_option('home', $base_url);
update_option('permalink_structure', getenv('WARTA_WP_PERMALINKS') ?: '');
update_option('upload_path', env('WARTA_WP_UPLOADS'));
update_option('upload_url_path', $base_url . '/wp-content/uploads');
update_option('uploads_use_yearmonth_folders', 0);
update_option('timezone_string', 'Asia/Jakarta');
update_option('rewrite_rules', '');
switch_theme('twentytwentythree');

$user = env('WARTA_WP_USER');
$role = getenv('WARTA_WP_ROLE') ?: 'editor';
$user_id = wp_insert_user([
    'user_login' => $user,
    'user_pass' => wp_generate_password(24, false),
    'user_email' => $user . '@example.test',
    'display_name' => 'Humas ' . ucfirst($user),
    'role' => $role,
]);
if (is_wp_error($user_id)) {
    fwrite(STDERR, $user_id->get_error_message() . "\n");
    exit(1);
}
$created = WP_Application_Passwords::create_new_application_password($user_id, ['name' => 'warta']);
if (is_wp_error($created)) {
    fwrite(STDERR, $created->get_error_message() . "\n");
    exit(1);
}
echo json_encode([
    'user' => $user,
    'user_id' => $user_id,
    'app_password' => $created[0],
    'admin_user' => 'admin',
    'admin_password' => $result['password'],
]), "\n";
