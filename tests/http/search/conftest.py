"""Backend-neutral search tests opt into both backends with ``both`` from tests/search_backends.py."""
from tests.search_backends import search_backend  # noqa: F401  (autouse fixture)
