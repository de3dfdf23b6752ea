"""Piccolo app of the example plugin."""

from pathlib import Path

from piccolo.conf.apps import AppConfig

from stewardship_example.tables import Badge, EventLog

APP_CONFIG = AppConfig(
    app_name="example",
    migrations_folder_path=str(Path(__file__).parent / "migrations"),
    table_classes=[Badge, EventLog],
    migration_dependencies=["core.interactions.piccolo_app"],
    commands=[],
)
