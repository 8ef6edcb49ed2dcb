"""Security helpers: response headers, malformed requests, and the address of the client."""

from django.conf import settings
from django.core.exceptions import SuspiciousOperation

# Powerful browser features the application never uses, denied to every origin.
PERMISSIONS_POLICY = ", ".join(
    f"{feature}=()"
    for feature in [
        "accelerometer",
        "autoplay",
        "camera",
        "display-capture",
        "encrypted-media",
        "fullscreen",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "publickey-credentials-get",
        "screen-wake-lock",
        "usb",
        "xr-spatial-tracking",
    ]
)


class PermissionsPolicyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        return response


class NulByteInHeader(SuspiciousOperation):
    pass


class RejectNulBytesInHeadersMiddleware:
    """A NUL byte is never valid in a header (RFC 9110), and PostgreSQL cannot store one: the
    failed-login log keeps the User-Agent, so such a request is refused (400) before anything."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        for name, value in request.META.items():
            if name.startswith("HTTP_") and isinstance(value, str) and "\x00" in value:
                raise NulByteInHeader(f"NUL byte in the {name} header")
        return self.get_response(request)


def client_ip(request) -> str:
    """The client's address: REMOTE_ADDR, or the one our own proxies saw when behind them.

    X-Forwarded-For is only trusted for the TRUSTED_PROXY_COUNT addresses our proxies appended
    at its end; anything before them was written by the client and could be forged.
    """
    remote = request.META.get("REMOTE_ADDR", "") or ""
    count = settings.TRUSTED_PROXY_COUNT
    if count <= 0:
        return remote
    forwarded = [
        part.strip()
        for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
        if part.strip()
    ]
    if len(forwarded) < count:
        return forwarded[0] if forwarded else remote
    return forwarded[-count]
