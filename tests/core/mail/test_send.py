"""send_mail with the outbox and SMTP backends, against a real aiosmtpd server."""

from __future__ import annotations

import pytest

from core import db
from core.errors import InvalidInputError
from core.jobs.execution import run_one
from core.mail import OutgoingMail, deliver_pending, send_mail
from core.mail.service import get_outbox
from core.mail.testing import SmtpSink, free_port
from core.plugins.registry import PluginRegistry
from core.settings import Settings
from core.testing import base_settings

MAIL = OutgoingMail(
    to="Ann@Example.org",
    subject="Hello\r\nBcc: evil@example.org",
    text="Plain body",
    html="<p>HTML <b>body</b></p>",
    reply_to="office@example.org",
    tag="tests.hello",
)


async def test_outbox_backend_records_without_delivery(registry: PluginRegistry) -> None:
    outbox_id = await send_mail(MAIL)
    record = await get_outbox(outbox_id)
    assert record.status == "sent"
    assert record.backend == "outbox"
    assert record.to_address == "ann@example.org"
    assert record.subject == "Hello Bcc: evil@example.org"  # no header injection
    assert record.html_body == MAIL.html
    assert record.tag == "tests.hello"
    assert record.sent_at is not None


@pytest.mark.parametrize(
    ("field", "mail"),
    [
        ("to", OutgoingMail(to="not-an-address", subject="s", text="t")),
        ("reply_to", OutgoingMail(to="a@example.org", subject="s", text="t", reply_to="x@")),
        ("subject", OutgoingMail(to="a@example.org", subject=" ", text="t")),
        ("text", OutgoingMail(to="a@example.org", subject="s", text="")),
        ("tag", OutgoingMail(to="a@example.org", subject="s", text="t", tag="Bad Tag")),
    ],
)
async def test_bad_input_is_refused(
    registry: PluginRegistry, field: str, mail: OutgoingMail
) -> None:
    with pytest.raises(InvalidInputError) as caught:
        await send_mail(mail)
    assert field in caught.value.errors
    assert await db.fetch_value("SELECT COUNT(*) FROM core_mail_outbox") == 0


class TestSmtpInline:
    @pytest.fixture
    def settings(self, database_url: str, sink: SmtpSink) -> Settings:
        return base_settings(database_url, mail_from="Org <noreply@org.example>", **sink.settings())

    async def test_message_arrives_with_both_parts(
        self, registry: PluginRegistry, sink: SmtpSink
    ) -> None:
        outbox_id = await send_mail(MAIL)
        [received] = sink.wait_for(1)
        message = received.message
        assert received.rcpt_tos == ["ann@example.org"]
        assert received.mail_from == "noreply@org.example"
        assert message["From"] == "Org <noreply@org.example>"
        assert message["To"] == "ann@example.org"
        assert message["Subject"] == "Hello Bcc: evil@example.org"
        assert message["Reply-To"] == "office@example.org"
        assert message["Bcc"] is None
        assert message["Message-ID"].endswith("@org.example>")
        assert message["Date"]
        assert message.get_content_type() == "multipart/alternative"
        assert received.part("plain").strip() == "Plain body"
        assert received.part("html").strip() == "<p>HTML <b>body</b></p>"
        record = await get_outbox(outbox_id)
        assert record.status == "sent"
        assert record.message_id == message["Message-ID"]
        assert record.attempts == 1

    async def test_text_only_message_is_plain(
        self, registry: PluginRegistry, sink: SmtpSink
    ) -> None:
        await send_mail(OutgoingMail(to="b@example.org", subject="Só texto", text="Olá ñ"))
        [received] = sink.wait_for(1)
        assert received.message.get_content_type() == "text/plain"
        assert received.message["Subject"] == "Só texto"
        assert received.part("plain").strip() == "Olá ñ"

    async def test_inside_a_transaction_it_is_queued(
        self, registry: PluginRegistry, sink: SmtpSink
    ) -> None:
        async with db.transaction():
            outbox_id = await send_mail(MAIL)
        assert (await get_outbox(outbox_id)).status == "queued"
        assert sink.messages == []
        outcome = await run_one("test-worker")
        assert outcome is not None
        assert outcome.outcome == "succeeded"
        assert len(sink.wait_for(1)) == 1
        assert (await get_outbox(outbox_id)).status == "sent"


class TestSmtpQueued:
    @pytest.fixture
    def settings(self, database_url: str, sink: SmtpSink) -> Settings:
        return base_settings(database_url, **{**sink.settings(), "mail_delivery": "queue"})

    async def test_queued_until_delivered(self, registry: PluginRegistry, sink: SmtpSink) -> None:
        outbox_id = await send_mail(MAIL)
        assert (await get_outbox(outbox_id)).status == "queued"
        assert sink.messages == []
        assert await deliver_pending() == 1
        assert len(sink.wait_for(1)) == 1
        assert (await get_outbox(outbox_id)).status == "sent"
        # The job finds the message already sent and does nothing.
        outcome = await run_one("test-worker")
        assert outcome is not None
        assert outcome.outcome == "succeeded"
        assert len(sink.messages) == 1


class TestServerDown:
    @pytest.fixture
    def settings(self, database_url: str) -> Settings:
        return base_settings(
            database_url,
            mail_backend="smtp",
            mail_delivery="inline",
            smtp_host="127.0.0.1",
            smtp_port=free_port(),
            smtp_starttls=False,
            smtp_timeout_seconds=2,
        )

    async def test_failure_is_recorded_not_raised(self, registry: PluginRegistry) -> None:
        outbox_id = await send_mail(MAIL)
        record = await get_outbox(outbox_id)
        assert record.status == "failed"
        assert record.error
        assert "Connect" in record.error
        assert record.sent_at is None

    async def test_job_retries_a_failed_delivery(self, registry: PluginRegistry) -> None:
        async with db.transaction():
            outbox_id = await send_mail(MAIL)
        outcome = await run_one("test-worker")
        assert outcome is not None
        assert outcome.outcome == "failed"
        assert outcome.error
        assert "SMTPConnectError" in outcome.error
        assert (await get_outbox(outbox_id)).status == "failed"
