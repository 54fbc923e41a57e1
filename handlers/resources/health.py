"""GET /api/health: the service's version and its database (and Redis) connectivity, no credentials.

It runs without the request's database connection and context (`without_database`), so an
unreachable database is answered with 503 instead of failing before the handler."""
from domain.health import health


def get_health():
    return health()


get_health.without_database = True
