"""Piccolo app ``social``."""

from pathlib import Path

from piccolo.conf.apps import AppConfig

from plugins.social.tables import ALL_TABLES

APP_CONFIG = AppConfig(
    app_name="social",
    migrations_folder_path=str(Path(__file__).parent / "migrations"),
    table_classes=ALL_TABLES,
    migration_dependencies=["core.constituents.piccolo_app"],
    commands=[],
)
