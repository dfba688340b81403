"""A real SMTP server in the test process (aiosmtpd on 127.0.0.1 and a free port).

`delay` makes the server take its time before accepting each message (it records the
message only when it answers 250, as a real server commits it); `reply` makes it answer
every DATA with an error such as "451 4.3.0 Try again later"; `refuse` maps recipient
addresses to the reply their RCPT gets, such as "550 5.1.1 No such user".
"""

import asyncio
import email
import email.policy
import threading

from aiosmtpd.controller import Controller

from tests.net import free_port


class Sink:
    def __init__(self, port: int | None = None):
        self.port = port or free_port()
        self.messages: list = []
        self.raw: list[bytes] = []
        self.delay = 0.0
        self.reply: str | None = None
        self.refuse: dict[str, str] = {}
        self.in_data = threading.Event()
        self.lock = threading.Lock()
        self.controller = None

    @property
    def url(self) -> str:
        return f"smtp://127.0.0.1:{self.port}"

    def start(self):
        self.controller = Controller(self, hostname="127.0.0.1", port=self.port)
        self.controller.start()
        return self

    def stop(self):
        if self.controller is not None:
            self.controller.stop()
            self.controller = None

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.refuse:
            return self.refuse[address]
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.in_data.set()
        try:
            if self.delay:
                await asyncio.sleep(self.delay)
            if self.reply:
                return self.reply
            with self.lock:
                self.raw.append(envelope.original_content)
                self.messages.append(
                    email.message_from_bytes(envelope.original_content, policy=email.policy.default)
                )
            return "250 OK"
        finally:
            self.in_data.clear()

    def recipients(self) -> list[str]:
        with self.lock:
            return [message["To"] for message in self.messages]
