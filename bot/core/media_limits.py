"""How large a received picture may be: the one limit the intake's check and the public
renditions keep to, so a photo warta accepted is never refused when it is published."""

from __future__ import annotations

# The largest picture accepted: above today's 200 MP phone sensors, far below a
# "decompression bomb" (a small file that would take gigabytes to open).
MAX_PIXELS = 260_000_000
