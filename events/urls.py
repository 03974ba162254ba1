from django.urls import path

from . import views

app_name = "events"

urlpatterns = [
    path("schedule/", views.schedule, name="schedule"),
    path("schedule/grid/", views.grid, name="grid"),
    path("schedule/changes/", views.changelog, name="changelog"),
    path("schedule.ics", views.schedule_ics, name="ical"),
    path("api/schedule.json", views.schedule_json, name="json"),
    path("api/schedule.schema.json", views.schema, name="json_schema"),
    path("events/<slug:slug>/", views.event_detail, name="event"),
    path("events/<slug:slug>/event.ics", views.event_ics, name="event_ical"),
    path("sessions/<slug:code>/", views.session_detail, name="session"),
    path("sessions/<slug:code>/session.ics", views.session_ics, name="session_ical"),
    path("speakers/", views.speaker_list, name="speakers"),
    path("speakers/<slug:slug>/", views.speaker_detail, name="speaker"),
    path("sections/<slug:slug>/", views.section_detail, name="section"),
]
