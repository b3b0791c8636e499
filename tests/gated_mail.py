"""An e-mail backend for the worker-kill test: each message is written as JSON to RELIABILITY_MAIL_DIR; after the
first one, the next send waits (marking "waiting") until the test creates the file "gate-open" — so the test can
SIGKILL the worker while it is between two recipients."""

import json
import os
import time
import uuid
from pathlib import Path

from django.core.mail.backends.base import BaseEmailBackend


class GatedFileBackend(BaseEmailBackend):
    def send_messages(self, email_messages):
        folder = Path(os.environ["RELIABILITY_MAIL_DIR"])
        for message in email_messages:
            if list(folder.glob("*.json")) and not (folder / "gate-open").exists():
                (folder / "waiting").touch()
                while not (folder / "gate-open").exists():
                    time.sleep(0.05)
            path = folder / f"{time.time_ns()}-{uuid.uuid4().hex[:6]}.json"
            path.write_text(json.dumps({"to": message.to, "subject": message.subject}))
        return len(email_messages)
