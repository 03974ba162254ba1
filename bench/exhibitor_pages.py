"""Exhibitor pages for the benchmark: (label, URL path). Imported by the bench runner."""

EXHIBITOR = "/exhibitors/organizations/changsha-ruikang-information-technology-corporation-1/"

PAGES = [
    ("exhibitor directory", "/exhibitors/"),
    ("exhibitor directory, section filter", "/exhibitors/?section=carbon-neutrality"),
    # A free-text search is never kept in the cache (a bounded key space): measured cache off.
    ("exhibitor search, cache off", "/exhibitors/?q=%E7%A7%91%E6%8A%80", {"cache": "off"}),
    ("exhibitor search, English, cache off", "/exhibitors/?q=Energy", {"cache": "off"}),
    ("exhibitor directory, letter B, page 2", "/exhibitors/?letter=B&page=2"),
    # Issue 19: the floor. Hall E3 holds two sections (the largest plan); the exhibitor is the
    # demo's first (index 1: the same company at every --scale), with its stand in hall E1.
    ("hall plan", "/exhibitors/halls/e3/"),
    ("hall plan, cache off", "/exhibitors/halls/e3/", {"cache": "off"}),
    ("hall plan, Chinese", "/zh-hans/exhibitors/halls/e1/"),
    ("exhibitor page with its stand", EXHIBITOR),
    ("exhibitor page with its stand, cache off", EXHIBITOR, {"cache": "off"}),
    ("exhibitor directory, hall filter", "/exhibitors/?hall=e2"),
]
