"""Plain-Python services (no reflex). Importing any of them registers the write hooks that
keep derived data, such as the search index, in step with ``writes``."""

from . import search  # noqa: F401  (registers the search index's write hooks)
