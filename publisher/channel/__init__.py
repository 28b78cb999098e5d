"""Publishing to the office's public Telegram channel (the bot is one of its admins).

One article becomes, in this order: its photos and videos as an album (Telegram allows
10 per album, so more make several albums; a single one is a plain photo or video) with
the caption on the first item, the rest of a long text as follow-up messages, then the
documents as their own album. An article without photos or videos is a text message,
followed by its documents. The caption is :func:`bot.core.post.compose`, the same text the
editor approved in the preview, plus a "read more" link ("Selengkapnya") to the website
copy when there is one.

A post is all or nothing: when a later message fails, the messages already posted are
deleted again, so a retry does not duplicate them. A channel cannot be searched, so
after an ambiguous failure (a timeout after sending) :meth:`TelegramChannel.locate`
says :class:`~bot.ports.targets.CannotTell` and a person checks the channel. A published
post is never edited in place; taking it down deletes its messages, or, for those
Telegram no longer lets a bot delete, replaces their text with a short notice.

The parts:

- :mod:`.layout`: the caption, follow-ups and albums of one article (no Telegram);
- :mod:`.posting`: the Bot API calls that send them;
- :mod:`.takedown`: deleting a post, or the notice in what cannot be deleted;
- :mod:`.errors`: Telegram's failures as :class:`~bot.ports.targets.PublishError`;
- :mod:`.target`: :class:`TelegramChannel`, the target that puts them together.

The words warta adds itself (the link label, the takedown notice) come from the
translation catalogs (``channel.*`` keys in ``bot/locales``).
"""

from publisher.channel.layout import ALBUM_LIMIT
from publisher.channel.takedown import DELETE_CHUNK, TAKEDOWN_NOTICE
from publisher.channel.target import TelegramChannel, normalize_channel_id

__all__ = [
    "ALBUM_LIMIT",
    "DELETE_CHUNK",
    "TAKEDOWN_NOTICE",
    "TelegramChannel",
    "normalize_channel_id",
]
