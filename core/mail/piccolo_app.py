"""Piccolo app ``core_mail``."""

from pathlib import Path

from piccolo.conf.apps import AppConfig

from core.mail.tables import MailOutbox, PasswordReset

APP_CONFIG = AppConfig(
    app_name="core_mail",
    migrations_folder_path=str(Path(__file__).parent / "migrations"),
    table_classes=[MailOutbox, PasswordReset],
    migration_dependencies=["core.auth.piccolo_app", "core.jobs.piccolo_app"],
    commands=[],
)
