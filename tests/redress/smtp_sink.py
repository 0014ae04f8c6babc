"""A loopback SMTP sink for the mail tests, run as its own process: every message received is
written as one .eml file into the folder given. Usage: python smtp_sink.py PORT FOLDER"""

from __future__ import annotations

import sys
import threading
import uuid
from pathlib import Path
from typing import Any

from aiosmtpd.controller import Controller


class Folder:
    def __init__(self, folder: Path) -> None:
        self.folder = folder

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        (self.folder / f"{uuid.uuid4().hex}.eml").write_bytes(envelope.original_content)
        return "250 OK"


def main() -> None:
    port, folder = int(sys.argv[1]), Path(sys.argv[2])
    controller = Controller(Folder(folder), hostname="127.0.0.1", port=port)
    controller.start()
    print("ready", flush=True)
    threading.Event().wait()


if __name__ == "__main__":
    main()
