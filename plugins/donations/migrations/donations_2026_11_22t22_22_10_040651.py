from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns.column_types import Boolean
from piccolo.columns.column_types import Integer
from piccolo.columns.indexes import IndexMethod

ID = "2026-11-22T22:22:10:040651"
VERSION = "1.38.0"
DESCRIPTION = "rollup columns for report pages: movement flags per year, RFM f+m score"


async def forwards():
    manager = MigrationManager(
        migration_id=ID, app_name="donations", description=DESCRIPTION
    )

    manager.add_column(
        table_class_name="DonorTotal",
        tablename="donations_donor_total",
        column_name="fm_score",
        db_column_name="fm_score",
        column_class_name="Integer",
        column_class=Integer,
        params={
            "default": 0,
            "null": False,
            "primary_key": False,
            "unique": False,
            "index": False,
            "index_method": IndexMethod.btree,
            "choices": None,
            "db_column_name": None,
            "secret": False,
        },
        schema=None,
    )

    manager.add_column(
        table_class_name="DonorYear",
        tablename="donations_donor_year",
        column_name="gave_year_after",
        db_column_name="gave_year_after",
        column_class_name="Boolean",
        column_class=Boolean,
        params={
            "default": False,
            "null": False,
            "primary_key": False,
            "unique": False,
            "index": False,
            "index_method": IndexMethod.btree,
            "choices": None,
            "db_column_name": None,
            "secret": False,
        },
        schema=None,
    )

    manager.add_column(
        table_class_name="DonorYear",
        tablename="donations_donor_year",
        column_name="gave_year_before",
        db_column_name="gave_year_before",
        column_class_name="Boolean",
        column_class=Boolean,
        params={
            "default": False,
            "null": False,
            "primary_key": False,
            "unique": False,
            "index": False,
            "index_method": IndexMethod.btree,
            "choices": None,
            "db_column_name": None,
            "secret": False,
        },
        schema=None,
    )

    return manager
