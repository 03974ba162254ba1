from django.urls import path

from . import views

app_name = "delegates"

urlpatterns = [
    path("", views.DelegatesHomeView.as_view(), name="home"),
    path("register/", views.RegisterView.as_view(), name="register"),
    path("me/", views.MyRegistrationView.as_view(), name="mine"),
    path("me/edit/", views.EditRegistrationView.as_view(), name="edit"),
    path("me/export.json", views.ExportView.as_view(), name="export"),
    path("me/lead-consent/", views.LeadConsentView.as_view(), name="lead_consent"),
    path("me/delete/", views.RequestDeletionView.as_view(), name="delete"),
    path("delegations/new/", views.DelegationCreateView.as_view(), name="delegation_new"),
    path("delegations/<int:pk>/", views.DelegationDetailView.as_view(), name="delegation"),
    path(
        "delegations/<int:pk>/members/<int:member_pk>/",
        views.MemberEditView.as_view(),
        name="member_edit",
    ),
    path("join/<str:token>/", views.JoinDelegationView.as_view(), name="join"),
    path("me/badge.pdf", views.MyBadgeView.as_view(), name="badge"),
    path("desk/", views.DeskView.as_view(), name="desk"),
    path("desk/scope/", views.DeskScopeView.as_view(), name="desk_scope"),
    path("desk/events/<int:event_pk>/", views.DeskView.as_view(), name="desk_event"),
    path("desk/sessions/<slug:code>/", views.DeskView.as_view(), name="desk_session"),
    path("desk/photos/<int:pk>/", views.DeskPhotoView.as_view(), name="desk_photo"),
    # Private files: permission-checked, never under /media/ (core/storage.py).
    path("files/photos/<int:pk>/", views.PhotoView.as_view(), name="photo"),
    path("files/badge-prints/<int:pk>/", views.PrintJobFileView.as_view(), name="print_job_file"),
    path("statistics/", views.StatisticsView.as_view(), name="statistics"),
    path("statistics/<slug:table>.csv", views.StatisticsCSVView.as_view(), name="statistics_csv"),
    path("agenda/", views.AgendaView.as_view(), name="agenda"),
    path("agenda/feed/", views.FeedRegenerateView.as_view(), name="feed_regenerate"),
    path("agenda/feed/revoke/", views.FeedRevokeView.as_view(), name="feed_revoke"),
    path("agenda/<str:token>.ics", views.FeedView.as_view(), name="feed"),
    path("sessions/<slug:code>/star/", views.StarView.as_view(), name="star"),
    path("sessions/<slug:code>/unstar/", views.UnstarView.as_view(), name="unstar"),
    path("sessions/<slug:code>/rsvp/", views.RSVPView.as_view(), name="rsvp"),
    path("sessions/<slug:code>/rsvp/cancel/", views.CancelRSVPView.as_view(), name="rsvp_cancel"),
]
