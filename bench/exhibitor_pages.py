"""Exhibitor pages for the benchmark: (label, URL path). Imported by the bench runner."""

PAGES = [
    ("exhibitor directory", "/exhibitors/"),
    ("exhibitor directory, section filter", "/exhibitors/?section=carbon-neutrality"),
    # A free-text search is never kept in the cache (a bounded key space): measured cache off.
    ("exhibitor search, cache off", "/exhibitors/?q=%E7%A7%91%E6%8A%80", {"cache": "off"}),
    ("exhibitor search, English, cache off", "/exhibitors/?q=Energy", {"cache": "off"}),
    ("exhibitor directory, letter B, page 2", "/exhibitors/?letter=B&page=2"),
]
