"""The one e-mail loop: each message on its own, a failure logged and the others still sent."""

import logging

from django.core.mail import EmailMessage, get_connection

logger = logging.getLogger(__name__)


def send_each(messages: list[EmailMessage]) -> set[str]:
    """Send the messages over one connection; return the addresses (lower case) not reached.

    A message the server refuses, or one that cannot be built, is logged and skipped; a server
    that cannot be reached at all fails every message at once, not after a timeout per message.
    """
    connection = get_connection(fail_silently=False)
    try:
        connection.open()
    except Exception:  # noqa: BLE001 - reported to the caller as every address not reached
        logger.exception("Could not connect to the mail server")
        return {address.lower() for message in messages for address in message.recipients()}
    try:
        return {address for message in messages for address in _failed(message, connection)}
    finally:
        connection.close()


def _failed(message: EmailMessage, connection) -> set[str]:
    """Send one message; return its addresses if it failed (logged), else none."""
    message.connection = connection
    try:
        message.send()
    except Exception:  # noqa: BLE001 - one recipient's failure must not stop the others
        logger.exception("Could not send an e-mail to %s", ", ".join(message.recipients()))
        return {address.lower() for address in message.recipients()}
    return set()
