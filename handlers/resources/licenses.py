"""POST /api/licenses/activate, /deactivate, /check: the licensed software's calls, authenticated by the
license key alone (`domain/licenses.py`). Unknown keys count against the client address's
invalid-credentials limit (server/middleware.py), so keys cannot be guessed at speed."""
from domain import licenses
from domain.common import RequestContext


def activate_license(context: RequestContext, body: dict) -> dict:
    return licenses.activate(body["licenseKey"], body["instance"])


def deactivate_license(context: RequestContext, body: dict) -> dict:
    return licenses.deactivate(body["licenseKey"], body["instance"])


def check_license(context: RequestContext, body: dict) -> dict:
    return licenses.check(body["licenseKey"], body.get("instance"))
