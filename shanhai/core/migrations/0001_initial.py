"""The data version (`core.dataversion`): a counter row, and on PostgreSQL a sequence."""

from django.db import migrations, models


def create(apps, schema_editor):
    apps.get_model("core", "DataVersion").objects.create(id=1, value=0)
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("CREATE SEQUENCE IF NOT EXISTS core_dataversion_seq")


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP SEQUENCE IF EXISTS core_dataversion_seq")


class Migration(migrations.Migration):
    initial = True
    dependencies: list = []

    operations = [
        migrations.CreateModel(
            name="DataVersion",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("value", models.BigIntegerField(default=0)),
            ],
            options={"verbose_name": "数据版本", "verbose_name_plural": "数据版本"},
        ),
        migrations.RunPython(create, drop),
    ]
