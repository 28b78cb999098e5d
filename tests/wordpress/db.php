<?php
// Database chores for the test sites (server.py), over the same connection WordPress
// uses: `php db.php drop <name>` and `php db.php list <prefix>` (one name per line).

mysqli_report(MYSQLI_REPORT_ERROR | MYSQLI_REPORT_STRICT);
[$host, $port] = array_pad(explode(':', getenv('WARTA_WP_DB_HOST') ?: '127.0.0.1:3306', 2), 2, '3306');
$db = new mysqli($host, getenv('WARTA_WP_DB_USER') ?: 'root', getenv('WARTA_WP_DB_PASSWORD') ?: '', '', (int) $port);
$command = $argv[1] ?? '';
if ($command === 'drop') {
    $db->query('DROP DATABASE IF EXISTS `' . $db->real_escape_string($argv[2]) . '`');
} elseif ($command === 'list') {
    $like = $db->real_escape_string(addcslashes($argv[2], '%_\\')) . '%';
    foreach ($db->query("SHOW DATABASES LIKE '$like'") as $row) {
        echo array_values($row)[0], "\n";
    }
} else {
    fwrite(STDERR, "usage: db.php drop <name> | list <prefix>\n");
    exit(2);
}
