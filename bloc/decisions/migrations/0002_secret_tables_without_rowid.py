"""On SQLite, store who-voted and what-was-voted in key order, not insertion order.

An ordinary SQLite table keeps a hidden ``rowid`` that grows with every insert, so
the n-th participation and the n-th secret ballot would be the same person's. A
``WITHOUT ROWID`` table is stored by its primary key (a random UUID) and has no
such counter. Django cannot declare this, so the tables are rebuilt here with the
same columns; ``tests/decisions/test_secrecy.py`` checks that they stay so (a later
migration that makes Django rebuild them would undo it and fail that test).
"""

from django.db import migrations

TABLES = ("decisions_participation", "decisions_secretballot")


def rebuild_without_rowid(apps, schema_editor):
    connection = schema_editor.connection
    if connection.vendor != "sqlite":
        return
    with connection.cursor() as cursor:
        for table in TABLES:
            cursor.execute("SELECT sql FROM sqlite_master WHERE type='table' AND name=%s", [table])
            (create,) = cursor.fetchone()
            if create.rstrip().upper().endswith("WITHOUT ROWID"):
                continue
            cursor.execute(
                "SELECT sql FROM sqlite_master WHERE type='index' AND tbl_name=%s AND sql IS NOT NULL",
                [table],
            )
            indexes = [row[0] for row in cursor.fetchall()]
            scratch = f"{table}__rebuild"
            cursor.execute(create.replace(f'"{table}"', f'"{scratch}"', 1) + " WITHOUT ROWID")
            cursor.execute(f'INSERT INTO "{scratch}" SELECT * FROM "{table}"')  # noqa: S608
            cursor.execute(f'DROP TABLE "{table}"')
            cursor.execute(f'ALTER TABLE "{scratch}" RENAME TO "{table}"')
            for sql in indexes:
                cursor.execute(sql)


class Migration(migrations.Migration):
    atomic = True
    dependencies = [("decisions", "0001_initial")]
    operations = [migrations.RunPython(rebuild_without_rowid, migrations.RunPython.noop)]
