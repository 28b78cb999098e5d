"""The ports: what the use cases and the adapters agree on, as ``Protocol``s and the plain
values they carry. Storage and publishing implement them; the use cases and the handlers
call them; the wiring (``bot/shell/wiring.py``) hands the implementations in. A port
imports only the core."""
