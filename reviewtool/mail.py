"""Sending e-mail (the daily digest) with the standard library: ``smtplib`` and ``email``.

No extension is needed for a few plain-text messages a day from a command: the standard library
speaks SMTP with STARTTLS or implicit TLS and login, and is as well kept as Python itself.
Off unless ``MAIL_SERVER`` is configured (see config.py and the README)."""
import smtplib
import ssl
from email.message import EmailMessage
from email.utils import formataddr, make_msgid


def configured(config):
    return bool(config.get("MAIL_SERVER"))


def message(config, to, subject, body):
    msg = EmailMessage()
    msg["From"] = sender_address(config)
    msg["To"] = to
    msg["Subject"] = subject
    msg["Message-ID"] = make_msgid(domain=config["MAIL_SENDER"].rpartition("@")[2] or None)
    msg.set_content(body)          # UTF-8, encoded as the standard library sees fit
    return msg


def sender_address(config):
    return formataddr((config.get("MAIL_SENDER_NAME") or "", config["MAIL_SENDER"]))


def send(config, messages):
    """Send the messages over one connection; returns [(message, error or None)].  A failure to
    connect or log in raises (OSError / smtplib.SMTPException): nothing was sent."""
    host, port = config["MAIL_SERVER"], int(config.get("MAIL_PORT") or 25)
    timeout = float(config.get("MAIL_TIMEOUT") or 30)
    context = ssl.create_default_context()
    if config.get("MAIL_USE_SSL"):
        smtp = smtplib.SMTP_SSL(host, port, timeout=timeout, context=context)
    else:
        smtp = smtplib.SMTP(host, port, timeout=timeout)
    results = []
    with smtp:
        if config.get("MAIL_USE_TLS") and not config.get("MAIL_USE_SSL"):
            smtp.starttls(context=context)
        if config.get("MAIL_USERNAME"):
            smtp.login(config["MAIL_USERNAME"], config.get("MAIL_PASSWORD") or "")
        for msg in messages:
            try:
                smtp.send_message(msg)
            except (smtplib.SMTPRecipientsRefused, smtplib.SMTPDataError,
                    smtplib.SMTPSenderRefused) as error:
                results.append((msg, error))
            else:
                results.append((msg, None))
    return results
