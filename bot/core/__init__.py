"""The pure core: every SOP rule and every decision, as values.

The workflow table, working time and the time standards, what must happen after a move
(notices, hand-overs, outgoing messages), the texts and posts, the monthly report's
figures and the archive's checks. Nothing here touches Telegram, a database, a network
or a file store: the use cases (``bot.usecases``) read and write, the adapters
(``handlers``, ``storage``, ``publisher``) speak to the world, and the import contract
in ``pyproject.toml`` keeps it so.
"""
