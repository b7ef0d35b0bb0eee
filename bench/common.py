"""What every bench that drives Qala from one address needs before Django or a server starts."""
from __future__ import annotations

import os

# the per-address rate limits would answer 429 to a bench's thousands of requests: it is one
# client measuring, not a crowd (tests/security covers the limits themselves)
RATE_LIMITS_OFF = {"QALA_RATE_API": "0", "QALA_RATE_PAGES": "0", "QALA_RATE_TILES": "0", "QALA_RATE_LOGIN": "0"}


def measuring_env(quiet_log: bool = False) -> None:
    """Turn the rate limits off for this process and the servers it starts (unless set already);
    `quiet_log` drops the per-request log line that would drown the bench's table."""
    for name, value in RATE_LIMITS_OFF.items():
        os.environ.setdefault(name, value)
    if quiet_log:
        os.environ.setdefault("QALA_LOG_LEVEL", "WARNING")
