"""The reference web shell of salescore's customer self-service (an example, not a library).

:func:`webshell.app.create_app` builds the ASGI application over a
:class:`salescore.app.selfservice.SelfService`; ``python -m webshell`` runs it on
the SQLite demo company.
"""
