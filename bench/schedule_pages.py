"""Schedule pages for the benchmark (issue 5): (label, URL path[, {"cache": ...}])."""

PAGES = [
    ("schedule day warm", "/schedule/?day=2021-09-24"),
    ("schedule day, cache off", "/schedule/?day=2021-09-24", {"cache": "off"}),
    # A delegate with 40 stars and 10 seats (bench/personas.py): the shared day fragment from the
    # cache, their state placed into it per request. Target: at least 25 % of the floor.
    ("schedule day, delegate logged in", "/schedule/?day=2021-09-24", {"session": "delegate"}),
    ("schedule day, Chinese", "/zh-hans/schedule/?day=2021-09-25"),
    ("schedule filtered", "/schedule/?day=2021-09-25&theme=carbon-neutrality&language=en"),
    ("schedule search, cache off", "/schedule/?day=2021-09-24&q=%E7%A2%B3", {"cache": "off"}),
    ("room grid", "/schedule/grid/?day=2021-09-26"),
    # The day fits on one page at scale 1 (page 2 redirects there): measured from scale 10.
    (
        "schedule day, page 2, cache off",
        "/schedule/?day=2021-09-24&page=2",
        {"cache": "off", "min_scale": 10},
    ),
    ("event page", "/events/opening-ceremony/"),
    ("event page, cache off", "/events/opening-ceremony/", {"cache": "off"}),
    ("session page", "/sessions/opening-ceremony-2/"),
    ("speakers", "/speakers/"),
    ("schedule.ics", "/schedule.ics"),
    ("schedule.json", "/api/schedule.json"),
    # Exports built on every request (issue 27's cold path; `--only export`).
    ("export schedule.ics, cache off", "/schedule.ics", {"cache": "off"}),
    ("export schedule.json, cache off", "/api/schedule.json", {"cache": "off"}),
    # As browsers and calendar clients ask for them: stored gzipped, sent as stored.
    ("schedule day warm, gzip", "/schedule/?day=2021-09-24", {"gzip": True}),
    ("schedule.ics, gzip", "/schedule.ics", {"gzip": True}),
    ("schedule.json, gzip", "/api/schedule.json", {"gzip": True}),
]
