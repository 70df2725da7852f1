"""Plain-Python services (no reflex). Importing any of them registers the write hooks that
keep derived data, such as the search index, in step with ``writes``, and the assignment
notifications, and the automation rules' triggers."""

from . import automation, notifications, search  # noqa: F401  (registers their write hooks)
