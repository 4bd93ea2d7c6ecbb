"""The application's settings plus the two baseline pages and a query counter (benchmarks only)."""

from config.settings import *  # noqa: F403

INSTALLED_APPS = [*INSTALLED_APPS, "bench_site"]  # noqa: F405
ROOT_URLCONF = "bench_site.urls"
# First, so that it counts every query of the request (sessions, auth and pledge included).
MIDDLEWARE = ["bench_site.middleware.count_queries", *MIDDLEWARE]  # noqa: F405
