"""A real SMTP server (aiosmtpd) on a free localhost port; tests read what it received."""

import email
import email.policy
import threading
from dataclasses import dataclass, field

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP


@dataclass
class ReceivedMail:
    sender: str
    recipients: list[str]
    message: email.message.EmailMessage

    @property
    def subject(self) -> str:
        return str(self.message["Subject"])

    @property
    def text(self) -> str:
        part = self.message.get_body(preferencelist=("plain",))
        return part.get_content() if part else ""

    @property
    def html(self) -> str:
        part = self.message.get_body(preferencelist=("html",))
        return part.get_content() if part else ""


@dataclass
class SinkHandler:
    messages: list[ReceivedMail] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    # Addresses the sink refuses for good (5xx) or for now (4xx), to test error handling.
    reject_permanently: set[str] = field(default_factory=set)
    reject_temporarily: set[str] = field(default_factory=set)
    arrived: threading.Condition = field(default_factory=threading.Condition)

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.reject_permanently:
            return "550 5.1.1 mailbox unavailable"
        if address in self.reject_temporarily:
            return "451 4.3.0 try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        with self.arrived:
            self.messages.append(ReceivedMail(envelope.mail_from, list(envelope.rcpt_tos), message))
            self.arrived.notify_all()
        return "250 Message accepted"


class SMTPSink:
    """Start with ``start()``; ``messages`` lists what arrived; ``wait_for(n)`` blocks until n."""

    def __init__(self, port: int = 0):
        self.handler = SinkHandler()
        from tests.services import free_port

        self.controller = Controller(self.handler, hostname="127.0.0.1", port=port or free_port())

    def start(self) -> "SMTPSink":
        self.controller.start()
        return self

    def stop(self) -> None:
        self.controller.stop()

    @property
    def host(self) -> str:
        return "127.0.0.1"

    @property
    def port(self) -> int:
        return self.controller.port

    @property
    def messages(self) -> list[ReceivedMail]:
        return list(self.handler.messages)

    def to(self, address: str) -> list[ReceivedMail]:
        return [m for m in self.messages if address in m.recipients]

    def wait_for(self, count: int, timeout: float = 20.0) -> list[ReceivedMail]:
        """Wait until at least ``count`` messages arrived; returns them (fewer on time-out)."""
        with self.handler.arrived:
            self.handler.arrived.wait_for(lambda: len(self.handler.messages) >= count, timeout)
        return self.messages

    def clear(self) -> None:
        self.handler.messages.clear()


# aiosmtpd's SMTP class is only imported so a missing dependency fails at import, not mid-test.
__all__ = ["SMTP", "SMTPSink", "ReceivedMail"]
