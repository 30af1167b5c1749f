"""Checks the `signature` of a Finpay callback over the raw body, as finnet-mock's README documents."""
import hashlib
import hmac
import re

# Finpay appends the signature last to the PHP json_encode bytes it signed, so cutting it off gives them back.
_SIGNATURE_PAIR = re.compile(rb',"signature":"([0-9a-f]{128})"\}\Z')


def verify(raw: bytes, merchant_key: str) -> bool:
    """True when `raw` carries hex HMAC-SHA512, keyed with the merchant key, of the body without its signature."""
    match = _SIGNATURE_PAIR.search(raw)
    if match is None:
        return False
    unsigned = raw[: match.start()] + b"}"
    expected = hmac.new(merchant_key.encode(), unsigned, hashlib.sha512).hexdigest()
    return hmac.compare_digest(expected, match.group(1).decode())
