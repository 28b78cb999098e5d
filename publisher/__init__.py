"""Publishing: the targets an approved item goes out to, and the outbox that drives them.

``model`` fixes the port (:class:`Target`) and what crosses it (:class:`Article`);
``files`` is the one way a file becomes public (metadata stripped); each target lives in
its own module and never touches the database; ``outbox`` is the worker that does.
"""
