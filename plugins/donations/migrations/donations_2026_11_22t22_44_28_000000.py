"""Fill the rollup count tables of the previous migration and give them their keys.

``donations_year_total`` sums the donor-year rollup rows per currency and fiscal year;
``donations_rfm_count`` counts donors with gifts per currency, RFM frequency + monetary
score and last gift date. From now on the rollup services keep both
(``plugins/donations/rollup_counts.py``).
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder

ID = "2026-11-22T22:44:28:000000"
VERSION = "1.38.0"
DESCRIPTION = "fill and key the rollup count tables"

FILL = [
    "INSERT INTO donations_year_total (currency, fiscal_year, donors, total_minor, "
    "kept_donors, returning_minor) SELECT currency, fiscal_year, COUNT(*), SUM(total_minor), "
    "SUM(CASE WHEN gave_year_after THEN 1 ELSE 0 END), "
    "SUM(CASE WHEN gave_year_before THEN total_minor ELSE 0 END) "
    "FROM donations_donor_year GROUP BY currency, fiscal_year",
    "INSERT INTO donations_rfm_count (currency, fm_score, last_gift_date, donors) "
    "SELECT currency, fm_score, last_gift_date, COUNT(*) FROM donations_donor_total "
    "WHERE gift_count > 0 GROUP BY currency, fm_score, last_gift_date",
]
UNIQUES = {
    "donations_year_total_key": "donations_year_total (currency, fiscal_year)",
    "donations_rfm_count_key": "donations_rfm_count (currency, fm_score, last_gift_date)",
}


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="donations", description=DESCRIPTION)

    async def fill_and_key():
        engine = engine_finder()
        for statement in FILL:
            await engine.run_ddl(statement)
        for name, target in UNIQUES.items():
            await engine.run_ddl(f"CREATE UNIQUE INDEX {name} ON {target}")

    async def drop_keys():
        engine = engine_finder()
        for name in UNIQUES:
            await engine.run_ddl(f"DROP INDEX IF EXISTS {name}")

    manager.add_raw(fill_and_key)
    manager.add_raw_backwards(drop_keys)
    return manager
