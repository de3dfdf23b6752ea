"""Fill the report-page rollup columns of the previous migration and index them.

``donations_donor_year.gave_year_before`` / ``gave_year_after`` say whether the same donor
gave in the same currency in the fiscal year before / after the row's year;
``donations_donor_total.fm_score`` is the RFM frequency score plus the monetary score (the
rule of ``plugins/donations/reports/rfm.py`` as of this migration; a later change of the
rule rebuilds it with ``rollups.recompute_all()``). The existing rows are filled here in
SQL; from now on the rollup services write them.

Indexes: LYBUNT's first page is an ``ORDER BY total_minor DESC, constituent_id LIMIT``
over ``(currency, fiscal_year, gave_year_after)``, retention counts and sums the same
ranges (``gave_year_before`` rides along so the index covers it), and RFM counts and pages
donors by ``(currency, fm_score)`` and a range of last gift dates.
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder

ID = "2026-11-22T22:22:11:000000"
VERSION = "1.38.0"
DESCRIPTION = "fill and index the report-page rollup columns"

# Minor-unit scale of the currencies whose exponent is not 2 (core.money, frozen here).
SCALES = {"CLP": 1, "PYG": 1, "JPY": 1, "KRW": 1, "BHD": 1000, "KWD": 1000, "JOD": 1000,
          "OMR": 1000, "TND": 1000}  # fmt: skip
SCALE = (
    "(CASE currency "
    + " ".join(f"WHEN '{code}' THEN {scale}" for code, scale in SCALES.items())
    + " ELSE 100 END)"
)
FREQUENCY = (
    "(CASE WHEN gift_count >= 10 THEN 5 WHEN gift_count >= 5 THEN 4 "
    "WHEN gift_count >= 3 THEN 3 WHEN gift_count >= 2 THEN 2 ELSE 1 END)"
)
MONETARY = (
    f"(CASE WHEN lifetime_minor >= 5000 * {SCALE} THEN 5 "
    f"WHEN lifetime_minor >= 1000 * {SCALE} THEN 4 WHEN lifetime_minor >= 250 * {SCALE} THEN 3 "
    f"WHEN lifetime_minor >= 50 * {SCALE} THEN 2 ELSE 1 END)"
)
NEIGHBOUR = (
    "EXISTS (SELECT 1 FROM donations_donor_year n "
    "WHERE n.constituent_id = donations_donor_year.constituent_id "
    "AND n.currency = donations_donor_year.currency "
    "AND n.fiscal_year = donations_donor_year.fiscal_year {} 1)"
)
FILL = [
    f"UPDATE donations_donor_year SET gave_year_before = {NEIGHBOUR.format('-')}, "
    f"gave_year_after = {NEIGHBOUR.format('+')}",
    f"UPDATE donations_donor_total SET fm_score = {FREQUENCY} + {MONETARY}",
]
INDEXES = {
    "donations_donor_year_movement": (
        "donations_donor_year (currency, fiscal_year, gave_year_after, total_minor DESC, "
        "constituent_id, gave_year_before)"
    ),
    "donations_donor_total_rfm": "donations_donor_total (currency, fm_score, last_gift_date)",
}


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="donations", description=DESCRIPTION)

    async def fill_and_index():
        engine = engine_finder()
        for statement in FILL:
            await engine.run_ddl(statement)
        for name, target in INDEXES.items():
            await engine.run_ddl(f"CREATE INDEX {name} ON {target}")

    async def drop_indexes():
        engine = engine_finder()
        for name in INDEXES:
            await engine.run_ddl(f"DROP INDEX IF EXISTS {name}")

    manager.add_raw(fill_and_index)
    manager.add_raw_backwards(drop_indexes)
    return manager
