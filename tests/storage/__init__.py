"""Storage tests: the database back ends, migrations, blobs and backups."""
