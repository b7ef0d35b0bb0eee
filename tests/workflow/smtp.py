"""A real SMTP server on 127.0.0.1 for notice tests (aiosmtpd), recording what it accepted."""
from __future__ import annotations

import asyncio
import os
import signal
import socket
import time
from email import message_from_bytes, policy

from aiosmtpd.controller import Controller


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Recorder:
    """Keeps every accepted message; can hold messages until `overlap` clients are connected,
    and can SIGKILL a process once a message is in (a worker dying before it marks the row)."""

    def __init__(self):
        self.messages = []
        self.peers = set()
        self.overlap = 1
        self.kill_pid = None
        self.delay = 0.0

    async def handle_DATA(self, server, session, envelope):
        self.peers.add(session.peer)
        deadline = time.monotonic() + 10
        while len(self.peers) < self.overlap and time.monotonic() < deadline:
            await asyncio.sleep(0.05)
        await asyncio.sleep(self.delay)
        msg = message_from_bytes(envelope.content, policy=policy.default)
        self.messages.append({"to": list(envelope.rcpt_tos), "message_id": str(msg["Message-ID"]),
                              "subject": str(msg["Subject"]), "peer": session.peer,
                              "attachments": [p.get_filename() for p in msg.walk() if p.get_filename()],
                              "pdf": [p.get_payload(decode=True) for p in msg.walk()
                                      if p.get_content_type() == "application/pdf"]})
        if self.kill_pid:
            os.kill(self.kill_pid, signal.SIGKILL)
            self.kill_pid = None
        return "250 Message accepted for delivery"


class SMTPServer:
    def __init__(self):
        self.port = free_port()
        self.recorder = Recorder()
        self.controller = Controller(self.recorder, hostname="127.0.0.1", port=self.port)

    def __enter__(self):
        self.controller.start()
        return self

    def __exit__(self, *exc):
        self.controller.stop()

    @property
    def messages(self):
        return self.recorder.messages
