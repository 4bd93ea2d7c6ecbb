"""The two baselines of ``benchmarks/pages.py``, served by the same gunicorn as the app's pages.

Only ``benchmarks/pages.py`` uses this package (``DJANGO_SETTINGS_MODULE=bench_site.settings`` with
``benchmarks/`` on the path); the application never imports it.
"""
