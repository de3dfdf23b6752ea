"""Piccolo app ``core_auth``."""

from pathlib import Path

from piccolo.conf.apps import AppConfig

from core.auth.tables import ApiToken, LoginAttempt, Role, StaffSession, User, UserRole

APP_CONFIG = AppConfig(
    app_name="core_auth",
    migrations_folder_path=str(Path(__file__).parent / "migrations"),
    table_classes=[Role, User, UserRole, ApiToken, StaffSession, LoginAttempt],
    migration_dependencies=["core.system.piccolo_app"],
    commands=[],
)
